"""Pictures, recordings and setups written to disk: PNG, SVG, GIF and JSON.

Every file is written atomically: the bytes go to a temporary file in the target's
folder, which is then renamed over the target, so a crash or a full disk never leaves a
half-written file. Anything that goes wrong raises ExportError with one sentence that
names the file and the reason.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSize
from PySide6.QtGui import QImage, QPainter, QPixmap

SCALES = (1, 2, 4)


class ExportError(Exception):
    """A picture, recording or setup could not be written (or read): the message says why."""


def atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` all at once, or not at all."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error.strerror}") from None


def render(widget, scale=1, size=None):
    """A QImage of ``widget`` at ``scale`` × its size, or laid out at ``size`` (w, h)."""
    if size is not None:
        widget.resize(*size)
    logical = widget.size() if size is None else QSize(*size)
    pixmap = QPixmap(logical * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(widget.palette().window().color())
    painter = QPainter(pixmap)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return pixmap.toImage()


def png_bytes(image):
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("the picture could not be encoded as PNG")
    return bytes(buffer.data())


def svg_bytes(plot_item):
    """The SVG of one pyqtgraph plot, checked by rendering it back; ExportError if
    pyqtgraph cannot export this plot."""
    from pyqtgraph.exporters import SVGExporter
    from PySide6.QtSvg import QSvgRenderer

    try:
        data = SVGExporter(plot_item).export(toBytes=True)
    except Exception as error:              # pyqtgraph raises many kinds here
        raise ExportError(f"pyqtgraph cannot export this panel as SVG ({error}); export it as "
                          "PNG at 2× or 4× instead") from None
    if not data or not QSvgRenderer(QByteArray(bytes(data))).isValid():
        raise ExportError("pyqtgraph's SVG of this panel is not valid: export it as PNG instead")
    return bytes(data)


def image_to_rgb(image):
    """A QImage as an (h, w, 3) uint8 array."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, :width * 3].reshape(height, width, 3).copy()


def gif_bytes(frames, fps, progress=None):
    """Encode (h, w, 3) uint8 frames as a looping GIF at ``fps`` frames per second.

    ``progress(fraction)`` is called as frames are quantised (the slow part)."""
    from PIL import Image

    if not frames:
        raise ExportError("nothing was recorded")
    images = []
    for k, frame in enumerate(frames):
        images.append(Image.fromarray(frame).quantize(colors=255, method=Image.Quantize.MEDIANCUT))
        if progress is not None:
            progress((k + 1) / len(frames))
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=max(20, int(round(1000 / fps))), loop=0, optimize=False, disposal=1)
    return buffer.getvalue()


def mp4_bytes(frames, fps):
    """Encode (h, w, 3) uint8 frames as H.264 MP4 with the ffmpeg that imageio-ffmpeg ships
    (sizes are padded to even numbers, which the encoder needs)."""
    import imageio_ffmpeg

    if not frames:
        raise ExportError("nothing was recorded")
    height, width = frames[0].shape[:2]
    padded = (width + width % 2, height + height % 2)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "recording.mp4"
        writer = imageio_ffmpeg.write_frames(str(target), padded, fps=fps, codec="libx264",
                                             pix_fmt_out="yuv420p", macro_block_size=1,
                                             ffmpeg_log_level="error")
        writer.send(None)
        for frame in frames:
            canvas = np.zeros((padded[1], padded[0], 3), dtype=np.uint8)
            canvas[:height, :width] = frame
            writer.send(canvas)
        writer.close()
        return target.read_bytes()


ANIMATIONS = {".gif": gif_bytes, ".mp4": lambda frames, fps, progress=None: mp4_bytes(frames, fps)}


def animation_bytes(frames, fps, suffix, progress=None):
    """GIF or MP4 bytes, by the file name's suffix."""
    if suffix not in ANIMATIONS:
        raise ExportError(f"an animation is .gif or .mp4, not {suffix or 'no suffix'}")
    return ANIMATIONS[suffix](frames, fps, progress)
