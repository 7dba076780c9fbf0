"""Render the brand images of Door Access from their SVG sources, reproducibly.

    ./scripts/run python scripts/brand.py                 # into custom_components/door_access/brand
    ./scripts/run python scripts/brand.py --output DIR    # anywhere else (the tests compare)

Sources (brand/src): `icon.svg` (the square icon), `wordmark.svg` (the words, as outlines) and
`dark.css` (the colours of the `dark_` variants). The logo is the icon's artwork beside the
wordmark, composed here. resvg renders without system fonts, Pillow stores the result as an
optimized (lossless) RGBA PNG, so the same sources give the same bytes on every run.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import io
from pathlib import Path
from typing import Final
import xml.etree.ElementTree as ET

from PIL import Image
import resvg_py

ROOT: Final = Path(__file__).resolve().parents[1]
SOURCES: Final = ROOT / "brand" / "src"
TARGET: Final = ROOT / "custom_components" / "door_access" / "brand"

SVG_NS: Final = "http://www.w3.org/2000/svg"
ICON_SIZE: Final = 256
# Where the icon's artwork lies in its 256 x 256 box (icon.svg says so too), and the least
# space between it and the wordmark in the logo.
ICON_ART_LEFT: Final = 8.0
ICON_ART_RIGHT: Final = 248.0
LOGO_MIN_GAP: Final = 28.0
# The logo is as tall as the icon: Home Assistant wants its shortest side 128-256 px (hDPI
# 256-512 px) and prefers the largest.
LOGO_HEIGHT: Final = ICON_SIZE


@dataclass(frozen=True, slots=True)
class BrandImage:
    """One PNG Home Assistant serves: which artwork, how large, and for which theme."""

    kind: str
    scale: int
    dark: bool

    @property
    def filename(self) -> str:
        """Return the name Home Assistant looks for, e.g. `dark_logo@2x.png`."""
        prefix = "dark_" if self.dark else ""
        suffix = "@2x" if self.scale == 2 else ""
        return f"{prefix}{self.kind}{suffix}.png"


IMAGES: Final = tuple(
    BrandImage(kind, scale, dark)
    for dark in (False, True)
    for kind in ("icon", "logo")
    for scale in (1, 2)
)


def _read_svg(name: str) -> ET.Element:
    """Parse one SVG source."""
    return ET.fromstring((SOURCES / name).read_text(encoding="utf-8"))


def _length(element: ET.Element, attribute: str) -> float:
    """Return a unitless length attribute of an SVG element."""
    return float(element.attrib[attribute])


def icon_svg() -> str:
    """Return the icon's SVG as it is in the sources."""
    return (SOURCES / "icon.svg").read_text(encoding="utf-8")


def logo_svg() -> str:
    """Return the logo's SVG: the icon's artwork at the left edge, the wordmark at the right."""
    ET.register_namespace("", SVG_NS)
    icon = _read_svg("icon.svg")
    wordmark = _read_svg("wordmark.svg")
    art_width = ICON_ART_RIGHT - ICON_ART_LEFT
    text_width = _length(wordmark, "width")
    # Whole pixels at 1x (and so at 2x): the gap takes the fraction.
    width = int(-(-(art_width + LOGO_MIN_GAP + text_width) // 1))
    logo = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "width": str(width),
            "height": str(LOGO_HEIGHT),
            "viewBox": f"0 0 {width} {LOGO_HEIGHT}",
        },
    )
    icon.set("x", f"{-ICON_ART_LEFT:g}")
    icon.set("y", "0")
    wordmark.set("x", f"{width - text_width:g}")
    wordmark.set("y", "0")
    logo.extend((icon, wordmark))
    return ET.tostring(logo, encoding="unicode")


def render(svg: str, *, height: int, dark: bool) -> bytes:
    """Render an SVG at the given pixel height into optimized RGBA PNG bytes."""
    style = (SOURCES / "dark.css").read_text(encoding="utf-8") if dark else None
    raw = resvg_py.svg_to_bytes(
        svg_string=svg, height=height, style_sheet=style, skip_system_fonts=True
    )
    with Image.open(io.BytesIO(bytes(raw))) as image:
        rgba = image.convert("RGBA")
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_image(image: BrandImage) -> bytes:
    """Render one of the brand images."""
    svg = icon_svg() if image.kind == "icon" else logo_svg()
    return render(svg, height=ICON_SIZE * image.scale, dark=image.dark)


def write_all(output: Path) -> list[Path]:
    """Render every brand image into a folder and return the files written."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for image in IMAGES:
        path = output / image.filename
        path.write_bytes(render_image(image))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the brand images into the integration (or another folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=TARGET, help=f"folder to write into (default {TARGET})"
    )
    args = parser.parse_args(argv)
    for path in write_all(args.output):
        with Image.open(path) as image:
            print(f"{path.name}: {image.width} x {image.height}, {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
