"""AS2 (RFC 4130) over pyas2lib: the endpoint at ``/as2/`` (``inbound``) and the dispatch connector (``outbound``).

pyas2lib does the MIME and S/MIME work (signing, encryption, compression, MDNs); these
modules only find the parties, store what arrived, and match MDNs to deliveries.
"""
