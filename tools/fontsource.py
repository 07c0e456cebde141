"""The Atkinson Hyperlegible files the theme and the favicon are made from: npm package
@fontsource/atkinson-hyperlegible (SIL Open Font License 1.1), at the pinned version below.
Used by tools/favicon_glyphs.py and tools/typeface.py."""
import io
import pathlib
import subprocess
import tarfile
import tempfile

from fontTools.ttLib import TTFont

PACKAGE = "@fontsource/atkinson-hyperlegible@5.3.0"
VERSION = PACKAGE.rsplit("@", 1)[1]


def fetch(files):
    """The fonts named (in the package's files/ folder) and the package's licence text."""
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(pathlib.Path(tmp) / name) as tar:
            fonts = [TTFont(io.BytesIO(tar.extractfile("package/files/" + f).read()), recalcTimestamp=False) for f in files]
            licence = tar.extractfile("package/LICENSE").read().decode()
    return fonts, licence
