"""Reading figure files without matplotlib: the size of a PNG and of an SVG.

Shared by the tests of :mod:`treasurymodel.plot` and of the ``plot`` command, so that a file's
validity is checked independently of the library that wrote it.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels of a PNG file, from its header (IHDR, the first chunk)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR"), "the first chunk of a PNG file must be IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data[-12:-4] == b"\x00\x00\x00\x00IEND", "a PNG file ends with an empty IEND chunk"
    return int(width), int(height)


def svg_size(path: Path) -> tuple[str, str]:
    """The ``width`` and ``height`` attributes of an SVG file, which must be well-formed XML."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    return root.attrib["width"], root.attrib["height"]
