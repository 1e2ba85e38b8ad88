"""Draw the Teams app icons: a rising run chart (the QI picture of improvement) in NHS colours.

Run `python manifest/make_icons.py` after changing the drawing and commit the PNGs; the package build only
copies them, so Pillow stays a dev dependency. Both icons are drawn large and scaled down for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
NHS_BLUE = (0, 94, 184)  # #005EB8
NHS_LIGHT_BLUE = (65, 182, 230)  # #41B6E6, the median line
NHS_WARM_YELLOW = (255, 184, 28)  # #FFB81C, the latest point
WHITE = (255, 255, 255)
SCALE = 8

# A run chart that shifts above its median: x and y as fractions of the chart box (y up).
POINTS = [(0.0, 0.30), (0.16, 0.20), (0.32, 0.34), (0.48, 0.24), (0.64, 0.56), (0.80, 0.68), (1.0, 0.92)]
MEDIAN = 0.42


def _to_box(box: tuple[float, float, float, float], x: float, y: float) -> tuple[float, float]:
    left, top, right, bottom = box
    return left + x * (right - left), bottom - y * (bottom - top)


def _dashes(draw: ImageDraw.ImageDraw, box, y: float, dash: float, width: int, fill) -> None:
    left, _, right, _ = box
    _, at = _to_box(box, 0, y)
    x = left
    while x < right:
        draw.line([(x, at), (min(x + dash, right), at)], fill=fill, width=width)
        x += dash * 1.8


def _dot(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, fill) -> None:
    x, y = centre
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill)


def color_icon(size: int = 192) -> Image.Image:
    """White run chart on NHS blue, with the latest point in warm yellow; drawn inside Teams' safe area."""
    big = size * SCALE
    image = Image.new("RGB", (big, big), NHS_BLUE)
    draw = ImageDraw.Draw(image)
    box = (big * 0.22, big * 0.26, big * 0.78, big * 0.74)
    s = SCALE
    _dashes(draw, box, MEDIAN, dash=10 * s, width=4 * s, fill=NHS_LIGHT_BLUE)
    points = [_to_box(box, x, y) for x, y in POINTS]
    draw.line(points, fill=WHITE, width=7 * s, joint="curve")
    for point in points[:-1]:
        _dot(draw, point, 8.5 * s, WHITE)
    _dot(draw, points[-1], 8.5 * s, NHS_WARM_YELLOW)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def outline_icon(size: int = 32) -> Image.Image:
    """The chart's line and latest point in white on transparent: every pixel is white, only alpha varies."""
    big = size * SCALE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    box = (big * 0.10, big * 0.12, big * 0.90, big * 0.88)
    s = SCALE
    points = [_to_box(box, x, y) for x, y in POINTS]  # at 32 px only the line and its latest point read well
    draw.line(points, fill=255, width=round(2.5 * s), joint="curve")
    _dot(draw, points[-1], 3.2 * s, 255)
    alpha = mask.resize((size, size), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", (size, size), WHITE + (0,))
    image.putalpha(alpha)
    return image


def main() -> None:
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()
