"""Codecs, pure Python with no Django import: each family in its own package.

``registry`` detects a file's format and picks its codec; ``canonical`` is the model
every codec parses into and renders from; ``errors`` holds positioned errors.
"""
