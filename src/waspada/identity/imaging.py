"""Bounded decoding of an uploaded photo or scan (JPEG, PNG, TIFF, first page of a PDF).

The bytes are checked before anything is decoded: at most :data:`MAX_IMAGE_BYTES`, a known
signature (the file name and the client's content type are never trusted), at most
:data:`MAX_PIXELS` pixels read from the header *before* the pixels are decoded (Pillow's own
decompression-bomb guard is kept as a second net). The result is an RGB image whose long side
is at most :data:`WORK_SIDE` pixels, turned upright by its EXIF orientation (phone photos).
Pillow and pypdfium2 are imported on first use, so the CLI and the server start fast.
Nothing is written to disk and nothing about the image is logged.
"""

from __future__ import annotations

import io
import threading
import warnings
from typing import TYPE_CHECKING, Any

from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest accepted upload (10 MB)."""
MAX_PIXELS = 60_000_000
"""Largest decoded image (a 48-megapixel phone photo fits; a decompression bomb does not)."""
WORK_SIDE = 2000
"""Long side, in pixels, of the image handed to OCR (larger images are scaled down)."""
PDF_DPI = 200
"""Resolution at which the first page of a PDF is rendered."""

_PDF_LOCK = threading.Lock()  # PDFium is not thread-safe


class ImageError(DomainError):
    """An upload that cannot be read as an image (English message id; Indonesian in the .po)."""

    status = 400


def _error(code: str, message: str, status: int = 400, **params: Any) -> ImageError:
    return ImageError(code, message, status=status, **params)


def sniff(data: bytes) -> str | None:
    """The format from the first bytes: ``JPEG``, ``PNG``, ``TIFF``, ``PDF`` or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if b"%PDF-" in data[:1024]:
        return "PDF"
    return None


def check_upload(data: bytes) -> str:
    """Size and signature checks; returns the format or raises :class:`ImageError`."""
    if not data:
        raise _error("image.empty", N_("The file is empty."))
    if len(data) > MAX_IMAGE_BYTES:
        raise _error("image.too_large", N_("The file is too large: at most {max_mb} MB."),
                     status=413, max_mb=MAX_IMAGE_BYTES // (1024 * 1024))
    kind = sniff(data)
    if kind is None:
        raise _error("image.unsupported",
                     N_("The file is not a JPEG, PNG or TIFF image or a PDF."), status=415)
    return kind


def decode_image(data: bytes) -> Image:
    """Bytes -> upright RGB image, long side at most :data:`WORK_SIDE` (or ImageError)."""
    kind = check_upload(data)
    img = _render_pdf(data) if kind == "PDF" else _open_raster(data, kind)
    from PIL import Image as PILImage

    if max(img.size) > WORK_SIDE:
        scale = WORK_SIDE / max(img.size)
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         PILImage.Resampling.LANCZOS)
    if min(img.size) < 32:
        raise _error("image.too_small", N_("The image is too small to read ({width} x {height} "
                     "pixels)."), width=img.width, height=img.height)
    return img


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ImageError:
    if width is None or height is None:  # refused by Pillow's guard before the size was known
        return _error("image.too_many_pixels", N_("The image has too many pixels (at most "
                      "{max_mp} megapixels)."), status=413, max_mp=MAX_PIXELS // 1_000_000)
    return _error("image.too_many_pixels", N_("The image has too many pixels ({width} x {height}; "
                  "at most {max_mp} megapixels)."), status=413, width=width, height=height,
                  max_mp=MAX_PIXELS // 1_000_000)


def _open_raster(data: bytes, kind: str) -> Image:
    from PIL import Image as PILImage
    from PIL import ImageOps

    corrupt = _error("image.corrupt", N_("The image could not be decoded (damaged or "
                     "unsupported variant of {kind})."), kind=kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            img = PILImage.open(io.BytesIO(data), formats=[kind])
            width, height = img.size  # from the header: nothing is decoded yet
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(width, height)
            if kind == "JPEG":  # decode a large JPEG at a reduced scale (much faster)
                img.draft("RGB", (WORK_SIDE, WORK_SIDE))
            img.load()
            return _to_rgb(ImageOps.exif_transpose(img) or img)
    except ImageError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises OSError, ValueError, SyntaxError, struct.error...
        raise corrupt from None


def _to_rgb(img: Image) -> Image:
    from PIL import Image as PILImage

    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(white, rgba).convert("RGB")
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):  # 16-bit / float scans
        img = img.point(lambda v: v / 256).convert("L")
    return img.convert("RGB")


def _render_pdf(data: bytes) -> Image:
    """First page of a PDF at :data:`PDF_DPI`, bounded by :data:`MAX_PIXELS`."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - pypdfium2 is a runtime dependency
        raise _error("image.pdf_unsupported", N_("PDF files cannot be read on this server; "
                     "upload a JPEG, PNG or TIFF image."), status=415) from None
    with _PDF_LOCK:
        pdf = None
        try:
            pdf = pdfium.PdfDocument(data)
            if len(pdf) == 0:
                raise _error("image.pdf_empty", N_("The PDF has no pages."))
            page = pdf[0]
            width, height = page.get_size()  # points
            scale = PDF_DPI / 72
            if width * height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
            if scale * max(width, height) > 4 * WORK_SIDE:  # no point rendering larger
                scale = 4 * WORK_SIDE / max(width, height)
            image = page.render(scale=scale).to_pil()
            return _to_rgb(image)
        except ImageError:
            raise
        except Exception:  # PdfiumError (damaged, encrypted), MemoryError on absurd pages
            raise _error("image.corrupt", N_("The image could not be decoded (damaged or "
                         "unsupported variant of {kind})."), kind="PDF") from None
        finally:
            if pdf is not None:
                pdf.close()
