"""Read the MRZ from a photo or scan of a data page: ``read_document(image_bytes)``.

Steps: bounded decoding (:mod:`waspada.identity.imaging`); text detection and recognition
over the whole page with rapidocr (PP-OCR models shipped inside its wheel, run on
onnxruntime; nothing is downloaded), loaded once, lazily, under a lock; the page text goes to
``parse_mrz(..., ocr_tolerant=True)``, which finds the MRZ block among the other lines and
repairs O/0-type confusions by field type and check digit. When no MRZ is found the page is
read again turned round (upside-down scans) and then deskewed by the angle of the text lines.

A wrong read of a check-digit-protected field fails a check digit. Names carry no check digit
(ICAO 9303), so every recognised character of the name whose confidence is below
:data:`LOW_CONFIDENCE` raises ``ocr.name.low_confidence`` and the officer confirms the name
against the returned PNG crop of the MRZ band. Nothing is stored and nothing is logged.
"""

from __future__ import annotations

import base64
import math
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from waspada.identity.findings import Finding, has_critical, register
from waspada.identity.imaging import ImageError, decode_image
from waspada.identity.mrz import MRZResult, parse_mrz
from waspada.platform.i18n import N_

if TYPE_CHECKING:
    import numpy as np

LOW_CONFIDENCE = 0.90
"""A recognised character below this confidence is reported as uncertain."""
ENGINE_PARAMS: dict[str, Any] = {
    "Global.log_level": "error",  # rapidocr logs nothing about the image
    "Global.return_word_box": True,  # per-character confidences (for the name check)
    "Global.return_single_char_box": True,
    # detection on the page scaled so its long side is at most 736 px (recognition still
    # uses crops from the full image): 1.3 s instead of 1.9 s CPU per page, same accuracy
    "Det.limit_type": "max",
    "Det.limit_side_len": 736,
    # no per-line direction classifier: it turned MRZ lines that start with digits round
    # (TD1 line 2 read backwards); upside-down pages are retried turned round instead
    "Global.use_cls": False,
    # one thread per recognition: predictable on a shared machine; reads are serialised
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
}
"""rapidocr settings; the default (bundled) models are kept, so nothing is downloaded."""
CROP_MAX_WIDTH = 1100
"""The MRZ crop is scaled down to at most this width (it is shown next to the fields)."""

F_NAME_UNCERTAIN = register(
    "ocr.name.low_confidence",
    "warning",
    N_("Name characters read with low confidence ({chars}); compare the name with the MRZ image."),
)

_ENGINE: Any = None
_ENGINE_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()  # one recognition at a time (the engine keeps per-call state)


def get_engine() -> Any:
    """The rapidocr engine, created on first use (about 1 s) and shared by all threads."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                try:
                    from rapidocr import RapidOCR
                except ImportError as exc:  # pragma: no cover - a runtime dependency
                    raise ImageError("ocr.unavailable", N_("Reading images needs the rapidocr "
                                     "package, which is not installed."), status=503) from exc
                _ENGINE = RapidOCR(params=dict(ENGINE_PARAMS))
    return _ENGINE


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line: text, mean confidence, box corners, per-character scores."""

    text: str
    score: float
    box: list[list[float]]
    chars: list[float] | None = None  # one score per non-space character, when known


@dataclass
class DocumentRead:
    """Outcome of :func:`read_document`: the MRZ result plus what OCR saw."""

    result: MRZResult
    lines: list[OcrLine]
    rotation: int
    crop_png: bytes
    uncertain: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.result.valid

    def mrz_text(self) -> str:
        return self.result.text()

    def to_dict(self, lang: str = "en", *, crop: bool = True) -> dict[str, Any]:
        """``document mrz``'s JSON plus ``ocr``: lines, confidences, corrections, crop."""
        data = self.result.to_dict(lang)
        corrections = [f for f in data["findings"] if f["code"] == "mrz.ocr_corrected"]
        ocr: dict[str, Any] = {
            "lines": [ln.text for ln in self.lines],
            "confidences": [round(ln.score, 4) for ln in self.lines],
            "corrections": [{"field": f["field"], "message": f["message"]} for f in corrections],
            "uncertain": self.uncertain,
            "rotation": self.rotation,
        }
        if crop:
            ocr["crop_png_base64"] = base64.b64encode(self.crop_png).decode("ascii")
        data["ocr"] = ocr
        return data


def name_uncertainty(document_type: str | None, line_scores: list[list[float] | None],
                     lines: list[str], threshold: float = LOW_CONFIDENCE) -> Finding | None:
    """``ocr.name.low_confidence`` when a character of the name field scored low.

    ``line_scores[i]`` holds one score per character of MRZ line ``i`` (``None``: unknown,
    in which case the whole name counts as uncertain).
    """
    if document_type is None or not lines:
        return None
    index, start = (2, 0) if document_type == "TD1" else (0, 5)
    if index >= len(lines):
        return None
    scores = line_scores[index] if index < len(line_scores) else None
    line = lines[index]
    if scores is None:
        return F_NAME_UNCERTAIN(field="name", chars="?")
    low = [f"{line[i] if i < len(line) else '?'}@{i + 1}"
           for i in range(start, len(scores)) if scores[i] < threshold]
    if not low:
        return None
    return F_NAME_UNCERTAIN(field="name", chars=", ".join(low[:8]))


def read_document(data: bytes, *, reference_date: date | None = None) -> DocumentRead:
    """Image bytes -> :class:`DocumentRead`; :class:`ImageError` when nothing can be read."""
    import numpy as np

    page = np.ascontiguousarray(np.asarray(decode_image(data)))
    attempts: list[tuple[int, np.ndarray]] = [(0, page), (180, page[::-1, ::-1])]
    tried = 0
    found: tuple[int, np.ndarray, list[OcrLine], MRZResult] | None = None
    while tried < len(attempts):
        rotation, arr = attempts[tried]
        tried += 1
        arr = np.ascontiguousarray(arr)
        ocr_lines = _recognise(arr)
        res = parse_mrz("\n".join(ln.text for ln in ocr_lines), reference_date=reference_date,
                        ocr_tolerant=True)
        if res.document_type is not None:
            found = (rotation, arr, ocr_lines, res)
            break
        if tried == 1:  # deskew by the text lines' angle before turning the page round
            angle = _dominant_angle(ocr_lines)
            if abs(angle) >= 1.5:
                attempts.insert(1, (round(angle), _rotate(page, angle)))
    if found is None:
        raise ImageError("image.no_mrz", N_("No machine-readable zone (MRZ) was found in "
                         "the image. Photograph the whole data page, flat and well lit."),
                         status=422)
    rotation, arr, ocr_lines, res = found
    matched = _match_lines(res.lines, ocr_lines)
    scores = [_aligned_scores(res.lines[i], m) for i, m in enumerate(matched)]
    uncertain = [{"line": i + 1, "position": p + 1,
                  "char": res.lines[i][p] if p < len(res.lines[i]) else "",
                  "confidence": round(s, 4)}
                 for i, line_scores in enumerate(scores) if line_scores is not None
                 for p, s in enumerate(line_scores) if s < LOW_CONFIDENCE]
    flag = name_uncertainty(res.document_type, scores, res.lines)
    if flag is not None:
        res.findings.append(flag)
        res.valid = not has_critical(res.findings)
    boxes = [m.box for m in matched if m is not None]
    return DocumentRead(result=res, lines=[m for m in matched if m is not None],
                        rotation=rotation % 360, crop_png=_crop_png(arr, boxes),
                        uncertain=uncertain)


def _recognise(arr: np.ndarray) -> list[OcrLine]:
    engine = get_engine()
    with _RUN_LOCK:
        out = engine(arr)
    texts = list(out.txts or ())
    scores = list(out.scores or ())
    boxes = [] if out.boxes is None else [b.tolist() for b in out.boxes]
    words = list(out.word_results or ())
    lines = []
    for i, text in enumerate(texts):
        chars: list[float] | None = None
        if i < len(words) and words[i] and all(isinstance(w, tuple) and len(w) >= 2
                                               for w in words[i]):
            chars = [float(w[1]) for w in words[i]]
            if len(chars) != len("".join(text.split())):
                chars = None
        lines.append(OcrLine(text=text, score=float(scores[i]) if i < len(scores) else 0.0,
                             box=boxes[i] if i < len(boxes) else [], chars=chars))
    return lines


def _norm(text: str) -> str:
    return "".join(text.split()).upper().replace("«", "<").replace("‹", "<")


def _match_lines(mrz_lines: list[str], ocr_lines: list[OcrLine]) -> list[OcrLine | None]:
    """For each MRZ line, the OCR line it came from (best positional agreement)."""
    out: list[OcrLine | None] = []
    for line in mrz_lines:
        best, best_score = None, 0.6
        for cand in ocr_lines:
            text = _norm(cand.text)
            if not text:
                continue
            same = sum(a == b for a, b in zip(text, line, strict=False))
            score = same / max(len(line.rstrip("<")) or 1, 1)
            if score > best_score:
                best, best_score = cand, score
        out.append(best)
    return out


def _aligned_scores(line: str, ocr: OcrLine | None) -> list[float] | None:
    """Per-position scores for an MRZ line (padding positions score 1: they are fillers)."""
    if ocr is None or ocr.chars is None:
        return None
    scores = list(ocr.chars[:len(line)])
    return scores + [1.0] * (len(line) - len(scores))


def _dominant_angle(lines: list[OcrLine]) -> float:
    """Median slope, in degrees, of the long text lines (0 when there are none)."""
    angles = []
    for ln in lines:
        if len(ln.box) != 4:
            continue
        (x0, y0), (x1, y1) = ln.box[0], ln.box[1]
        if abs(x1 - x0) > 4 * abs(ln.box[3][1] - y0) + 1:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if not angles:
        return 0.0
    angles.sort()
    return angles[len(angles) // 2]


def _rotate(arr: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = arr.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def _crop_png(arr: np.ndarray, boxes: list[list[list[float]]]) -> bytes:
    """The MRZ band, turned level by the angle of its lines, as PNG bytes."""
    import cv2
    import numpy as np

    if not boxes:
        ok, buf = cv2.imencode(".png", cv2.cvtColor(arr, cv2.COLOR_RGB2BGR))
        return buf.tobytes() if ok else b""
    pts = np.array([p for box in boxes for p in box], dtype=np.float32)
    top = boxes[0]
    angle = math.degrees(math.atan2(top[1][1] - top[0][1], top[1][0] - top[0][0]))
    h, w = arr.shape[:2]
    cx, cy = float(pts[:, 0].mean()), float(pts[:, 1].mean())
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    level = cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
    moved = cv2.transform(pts[None, :, :], matrix)[0]
    x0, y0 = moved.min(axis=0)
    x1, y1 = moved.max(axis=0)
    pad = max(6.0, 0.25 * (y1 - y0) / max(len(boxes), 1))
    x0, y0 = max(0, int(x0 - pad)), max(0, int(y0 - pad))
    x1, y1 = min(w, int(x1 + pad)), min(h, int(y1 + pad))
    crop = level[y0:y1, x0:x1]
    if crop.size == 0:
        crop = arr
    if crop.shape[1] > CROP_MAX_WIDTH:
        scale = CROP_MAX_WIDTH / crop.shape[1]
        crop = cv2.resize(crop, (CROP_MAX_WIDTH, max(1, int(crop.shape[0] * scale))),
                          interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".png", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
    return buf.tobytes() if ok else b""


__all__ = ["LOW_CONFIDENCE", "DocumentRead", "ImageError", "OcrLine",
           "get_engine", "name_uncertainty", "read_document"]
