"""SFTP for suppliers whose systems drop files: a real server (asyncssh) over a home per supplier.

``homes`` lays out the directories, ``intake`` takes completed files into ingest and
files them as processed or failed, ``server`` is the asyncssh server that
``manage.py sftp_server`` runs.
"""
