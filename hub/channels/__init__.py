"""Machine-to-machine channels: AS2 (``as2/``) and SFTP (``sftp/``).

Each channel authenticates a partner, hands what it received to
``hub.ingest.receive.interchange_receive`` with that partner as the sending party, and
is served by the dispatch engine for what goes out (connectors ``as2`` and ``sftp``).
"""
