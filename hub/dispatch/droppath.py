"""Where the file-drop connector may write: inside ``HUB_FILEDROP_ROOT``, in the plant's own folder.

A drop directory is configuration a plant's buyer may edit, and the worker writes wherever
it points: left unchecked, that is a write to any path the worker can reach (another
plant's share, the hub's own media). Every plant's directory therefore lies under
``HUB_FILEDROP_ROOT/<plant code>``; a relative path is taken inside it. The same check runs
when the form is saved and again when a delivery is written (the database may have been
changed by other means, or a symlink may point elsewhere since).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class DropPathRefused(ValueError):
    """The drop directory lies outside the plant's folder under HUB_FILEDROP_ROOT."""


def drop_directory(*, owner: str, directory: str = "") -> Path:
    """The resolved directory ``owner`` (a plant code, or 'suppliers') writes to; refuses paths outside its folder."""
    base = (Path(settings.HUB_FILEDROP_ROOT) / owner).resolve()
    if not directory:
        return base
    path = Path(directory)
    target = (path if path.is_absolute() else base / path).resolve()  # resolve: '..' and symlinks cannot leave
    if target != base and base not in target.parents:
        raise DropPathRefused(_("The drop directory must lie inside %(base)s (HUB_FILEDROP_ROOT/%(owner)s); %(path)s does not.") % {"base": base, "owner": owner, "path": directory})
    return target
