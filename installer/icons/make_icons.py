"""The app's icon in the forms each platform wants, drawn from installer/icons/wardapp.svg.

Only the SVG is kept in git; PNG, ICO and ICNS are made at build time with Qt (already a
dependency), so no image tools are needed. ICO and ICNS files are written by hand with PNG
images inside, which every supported Windows and macOS version reads.
"""

import os
import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().with_name("wardapp.svg")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024}


def png_bytes(size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG per size (a size of 256 is written as 0)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        edge = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[bytes, bytes]) -> bytes:
    """A macOS .icns holding PNG images of the given types."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in images.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(folder: Path) -> dict[str, Path]:
    """wardapp.svg, wardapp.png (256), wardapp.ico and wardapp.icns in ``folder``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    pngs = {size: png_bytes(size) for size in {*ICO_SIZES, *ICNS_TYPES.values()}}
    made = {
        "svg": folder / "wardapp.svg",
        "png": folder / "wardapp.png",
        "ico": folder / "wardapp.ico",
        "icns": folder / "wardapp.icns",
    }
    made["svg"].write_bytes(SVG.read_bytes())
    made["png"].write_bytes(pngs[256])
    made["ico"].write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    made["icns"].write_bytes(icns({kind: pngs[size] for kind, size in ICNS_TYPES.items()}))
    return made


if __name__ == "__main__":
    for path in make_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")).values():
        print(path)
