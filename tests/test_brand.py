"""Brand images: rendered from their sources, as Home Assistant's brand rules want, and served.

Home Assistant 2026.3 and later serve a custom integration's `brand/` folder through its
`brands` integration at `/api/brands/integration/<domain>/<image>`; the frontend adds a
`?token=` it gets from the `brands/access_token` WebSocket command to every such URL.
"""

from __future__ import annotations

import io
from pathlib import Path
import subprocess
import sys

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.door_access.const import DOMAIN

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "custom_components" / DOMAIN / "brand"
RENDER_SCRIPT = ROOT / "scripts" / "brand.py"

ICONS = ("icon.png", "icon@2x.png", "dark_icon.png", "dark_icon@2x.png")
LOGOS = ("logo.png", "logo@2x.png", "dark_logo.png", "dark_logo@2x.png")
ALL_IMAGES = ICONS + LOGOS


def _open(name: str) -> Image.Image:
    """Open a committed brand image, loaded."""
    image = Image.open(BRAND / name)
    image.load()
    return image


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render every brand image afresh from the sources, with the repository's script."""
    output = tmp_path_factory.mktemp("brand")
    result = subprocess.run(
        [sys.executable, str(RENDER_SCRIPT), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return output


def test_brand_folder_holds_exactly_the_eight_images() -> None:
    """The folder has the eight names Home Assistant serves, and nothing else."""
    assert sorted(p.name for p in BRAND.iterdir()) == sorted(ALL_IMAGES)


@pytest.mark.parametrize("name", ALL_IMAGES)
def test_committed_image_is_what_the_sources_render(rendered: Path, name: str) -> None:
    """A changed SVG without re-rendered PNGs fails here: run scripts/brand.py."""
    fresh = (rendered / name).read_bytes()
    committed = (BRAND / name).read_bytes()
    if fresh != committed:
        with Image.open(io.BytesIO(fresh)) as new, Image.open(BRAND / name) as old:
            same_pixels = new.size == old.size and new.tobytes() == old.tobytes()
        hint = "same pixels, other encoding" if same_pixels else "the artwork differs"
        pytest.fail(f"{name} is stale ({hint}): run ./scripts/run python scripts/brand.py")


def test_rendering_twice_gives_the_same_bytes(rendered: Path, tmp_path: Path) -> None:
    """The script is deterministic: a second run writes byte-identical files."""
    result = subprocess.run(
        [sys.executable, str(RENDER_SCRIPT), "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ALL_IMAGES:
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name


@pytest.mark.parametrize("name", ALL_IMAGES)
def test_png_with_transparency_and_optimized(name: str) -> None:
    """PNG, RGBA, a transparent background, and no bigger than an optimized re-save."""
    image = _open(name)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    width, height = image.size
    corners = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
    assert all(alpha.getpixel(xy) == 0 for xy in corners), "corners must be transparent"
    histogram = alpha.histogram()
    assert histogram[0] > width * height // 10, "the background must be transparent"
    resaved = io.BytesIO()
    image.save(resaved, format="PNG", optimize=True)
    assert (BRAND / name).stat().st_size <= len(resaved.getvalue())


@pytest.mark.parametrize(("name", "size"), [(n, 512 if "@2x" in n else 256) for n in ICONS])
def test_icon_is_square_and_filled(name: str, size: int) -> None:
    """Icons are 256 x 256 (hDPI 512 x 512), the artwork using the whole square."""
    image = _open(name)
    assert image.size == (size, size)
    bbox = image.getchannel("A").getbbox()
    assert bbox is not None
    left, top, right, bottom = bbox
    assert (top, bottom) == (0, size), "the artwork spans the full height"
    assert abs(left - (size - right)) <= 1, "the artwork is centred horizontally"
    assert right - left >= size * 0.9


@pytest.mark.parametrize("name", LOGOS)
def test_logo_is_trimmed_landscape(name: str) -> None:
    """Logos: landscape, shortest side 128-256 px (hDPI 256-512 px), no empty border."""
    image = _open(name)
    width, height = image.size
    low, high = (256, 512) if "@2x" in name else (128, 256)
    assert width > height
    assert low <= height <= high
    assert image.getchannel("A").getbbox() == (0, 0, width, height), "trim the logo"


@pytest.mark.parametrize("stem", ["icon", "logo", "dark_icon", "dark_logo"])
def test_hdpi_image_is_twice_the_size(stem: str) -> None:
    """Each @2x image is exactly twice its 1x sibling."""
    one, two = _open(f"{stem}.png"), _open(f"{stem}@2x.png")
    assert two.size == (one.width * 2, one.height * 2)


def _relative_luminance(rgb: tuple[float, float, float]) -> float:
    """Return the WCAG relative luminance of an sRGB colour (0-255 channels)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _mean_opaque_colour(image: Image.Image) -> tuple[float, float, float]:
    """Return the average colour of the image's opaque pixels."""
    data = image.tobytes()
    pixels = [data[i : i + 3] for i in range(0, len(data), 4) if data[i + 3] >= 250]
    assert pixels
    red, green, blue = (sum(p[c] for p in pixels) / len(pixels) for c in range(3))
    return red, green, blue


@pytest.mark.parametrize(
    ("name", "background"),
    [
        ("icon.png", (255, 255, 255)),
        ("logo.png", (255, 255, 255)),
        ("dark_icon.png", (17, 17, 17)),
        ("dark_logo.png", (17, 17, 17)),
    ],
)
def test_readable_on_its_theme_background(name: str, background: tuple[int, int, int]) -> None:
    """The artwork stands out from its theme's background (WCAG 3:1 for graphics)."""
    art = _relative_luminance(_mean_opaque_colour(_open(name)))
    back = _relative_luminance(background)
    lighter, darker = max(art, back), min(art, back)
    assert (lighter + 0.05) / (darker + 0.05) >= 3.0


def test_icon_still_shows_its_keyhole_at_16_px() -> None:
    """Scaled to 16 px the door keeps a see-through keyhole: the icon stays recognisable."""
    small = _open("icon.png").resize((16, 16), Image.Resampling.LANCZOS)
    alpha = small.getchannel("A")
    # The keyhole sits in the door's middle (x 88 of 256, y 102-170): less opaque than the door.
    keyhole = alpha.getpixel((5, 7))
    door = alpha.getpixel((2, 7))
    assert isinstance(keyhole, int)
    assert isinstance(door, int)
    assert door >= 240
    assert keyhole <= 64


async def test_home_assistant_serves_the_brand_images_to_the_frontend(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Requested as the frontend's <img> does (token in the URL), each image is our PNG."""
    assert await async_setup_component(hass, "brands", {})
    websocket = await hass_ws_client(hass)
    await websocket.send_json_auto_id({"type": "brands/access_token"})
    answer = await websocket.receive_json()
    assert answer["success"], answer
    token = answer["result"]["token"]

    client = await hass_client_no_auth()
    for name in ALL_IMAGES:
        # placeholder=no: a missing image would answer 404 instead of a generic picture.
        response = await client.get(
            f"/api/brands/integration/{DOMAIN}/{name}",
            params={"token": token, "placeholder": "no"},
        )
        assert response.status == 200, name
        assert response.content_type == "image/png", name
        assert await response.read() == (BRAND / name).read_bytes(), name


async def test_brand_images_need_the_frontend_token(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Without a valid token the same URL is refused, so the test above is not vacuous."""
    assert await async_setup_component(hass, "brands", {})
    client = await hass_client_no_auth()
    response = await client.get(
        f"/api/brands/integration/{DOMAIN}/icon.png", params={"token": "not-the-token"}
    )
    assert response.status == 403
