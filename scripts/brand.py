"""Draw the brand images HACS and Home Assistant show: icon and logo, light and dark.

Run: ``.venv/bin/python scripts/brand.py`` (writes custom_components/ocpp_csms/brand/).
The icon is a charging plug's bolt on a rounded tile; the logo adds the name beside it.
Sizes follow Home Assistant's brands guidelines: icon 256 x 256 (and 512 @2x), logo 128
high (and 256 @2x), transparent PNGs trimmed to their content.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FOLDER = Path(__file__).resolve().parent.parent / "custom_components" / "ocpp_csms" / "brand"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
TILE = {"light": (3, 169, 244), "dark": (41, 182, 246)}  # Home Assistant blue
TEXT = {"light": (33, 33, 33), "dark": (240, 240, 240)}


def icon(size: int, theme: str) -> Image.Image:
    """A rounded tile with a lightning bolt."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=TILE[theme])
    s = size / 256
    bolt = [(150, 28), (70, 144), (122, 144), (100, 228), (188, 104), (134, 104), (160, 28)]
    draw.polygon([(x * s, y * s) for x, y in bolt], fill=(255, 255, 255))
    return image


def logo(height: int, theme: str) -> Image.Image:
    """The icon and the name beside it."""
    mark = icon(height, theme)
    font = ImageFont.truetype(FONT, int(height * 0.42))
    text = "OCPP"
    left, top, right, bottom = font.getbbox(text)
    width = height + height // 5 + (right - left)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste(mark, (0, 0), mark)
    draw = ImageDraw.Draw(image)
    draw.text(
        (height + height // 5 - left, (height - (bottom - top)) / 2 - top),
        text,
        font=font,
        fill=TEXT[theme],
    )
    return image.crop(image.getbbox())


def main() -> None:
    """Write every image."""
    FOLDER.mkdir(exist_ok=True)
    for theme, prefix in (("light", ""), ("dark", "dark_")):
        icon(256, theme).save(FOLDER / f"{prefix}icon.png", optimize=True)
        icon(512, theme).save(FOLDER / f"{prefix}icon@2x.png", optimize=True)
        logo(128, theme).save(FOLDER / f"{prefix}logo.png", optimize=True)
        logo(256, theme).save(FOLDER / f"{prefix}logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
