"""Pictures, recordings and setups written to disk: PNG, SVG, GIF and JSON.

Every file is written atomically: the bytes go to a temporary file in the target's
folder, which is then renamed over the target, so a crash or a full disk never leaves a
half-written file. Anything that goes wrong raises ExportError with one sentence that
names the file and the reason.
"""
from __future__ import annotations

import fcntl
import functools
import io
import os
import re
import stat
import struct
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSize
from PySide6.QtGui import QImage, QPainter, QPixmap

from simulator.files import path_text

from .drawing import release

SCALES = (1, 2, 4)


class ExportError(ValueError):
    """A picture, recording or setup could not be written (or read): the message says why
    (a refusal, as every ValueError of the lab's is)."""


def atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` all at once, or not at all.

    The bytes go to a temporary file beside the target, locked until it is renamed over
    the target. A writer killed mid-write leaves its temporary file; the next write into
    that folder removes every one that no process holds locked."""
    lock, temporary = _temporary_beside(path)
    try:
        with lock as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            os.replace(temporary, path)
    except OSError as error:
        raise ExportError(f"cannot write {path_text(path)}: {error.strerror}") from None
    finally:                                # whatever stopped it (gone once renamed)
        temporary.unlink(missing_ok=True)


def check_writable(path):
    """ExportError unless ``path`` could be written now, checked before minutes of work
    are spent on what it should hold: a temporary file is made beside it and removed."""
    handle, temporary = _locked_temporary(_checked_target(path))
    os.close(handle)
    os.unlink(temporary)


def _temporary_beside(path):
    """A new empty file in ``path``'s folder for a file written (all at once or in pieces)
    and then renamed over ``path``: (an open binary file that holds its lock, its Path).
    Keep the file open until the temporary is renamed or removed: the lock is what tells
    it from a killed writer's leftover, which this removes from the folder first."""
    path = _checked_target(path)
    remove_leftovers(path.parent)
    handle, temporary = _locked_temporary(path)
    return os.fdopen(handle, "wb"), Path(temporary)


# The temporary files: "." + the start of the target's name + mkstemp's 8 random
# characters + ".part". Sixty characters of the name keep it under 255 bytes.
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.part")
NAME_CHARACTERS = 60
UMASK = os.umask(0o022)                     # read once (setting it is the only way to read it)
os.umask(UMASK)


def _checked_target(path):
    """``path`` as a Path, or ExportError naming what makes it unwritable."""
    if not str(path):
        raise ExportError("no file name given")
    path = Path(path)
    shown = path_text(path)
    try:
        if not path.parent.is_dir():
            raise ExportError(f"cannot write {shown}: the folder {path_text(path.parent)} does not exist")
        if path.is_dir():
            raise ExportError(f"cannot write {shown}: it is a folder")
        if path.exists() and not path.is_file():
            raise ExportError(f"cannot write {shown}: it is not a regular file")
        longest = os.pathconf(path.parent, "PC_NAME_MAX")
    except OSError as error:                # e.g. a path longer than the system allows
        raise ExportError(f"cannot write {shown}: {error.strerror}") from None
    if len(os.fsencode(path.name)) > longest:
        raise ExportError(f"cannot write {shown}: a file name has at most {longest} bytes")
    return path


def _locked_temporary(path):
    """(descriptor, path) of a new temporary file beside ``path``, locked (flock) so that
    remove_leftovers can tell it from the leftover of a writer that was killed."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:NAME_CHARACTERS]}.",
                                             suffix=".part", dir=path.parent)
    except OSError as error:
        raise ExportError(f"cannot write {path_text(path)}: {error.strerror}") from None
    fcntl.flock(handle, fcntl.LOCK_EX)
    os.fchmod(handle, 0o666 & ~UMASK)       # mkstemp's 0600 would stay with the renamed file
    if os.fstat(handle).st_nlink == 0:      # removed as a leftover before it was locked
        os.close(handle)
        raise ExportError(f"cannot write {path_text(path)}: another writer removed the "
                          "temporary file; try again")
    return handle, temporary


def remove_leftovers(folder):
    """Delete the temporary files in ``folder`` that no process holds: a writer's lock
    ends with the writer, so these are what killed writers left behind. Nothing else is
    touched."""
    for candidate in Path(folder).glob(".*.part"):
        if not TEMPORARY.fullmatch(candidate.name):
            continue
        try:
            handle = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)   # fails while a writer lives
            if stat.S_ISREG(os.fstat(handle).st_mode):
                candidate.unlink()
        except OSError:
            pass
        finally:
            os.close(handle)


def render(widget, scale=1, size=None):
    """A QImage of ``widget`` at ``scale`` × its size, or laid out at ``size`` (w, h)."""
    release()                       # a panel whose drawing is held would render blank
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


@functools.cache
def svg_refusal():
    """Why pyqtgraph's SVG exporter cannot work here, or None if it can: it is tried once on
    a plot of three points. With pyqtgraph 0.14 and Qt 6.11 it fails on every plot (Qt now
    writes path coordinates the exporter cannot parse: pyqtgraph issue #3485)."""
    import pyqtgraph as pg
    plot = pg.PlotWidget()
    plot.plot([0.0, 1.0, 0.5])
    try:
        svg_bytes(plot.getPlotItem())
        return None
    except ExportError as error:
        return str(error)
    finally:
        plot.deleteLater()


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


# ------------------------------------------------------------------ animations

def frame_ticks(frames, seconds, rate, shortest):
    """How many ticks (1/``rate`` s) each frame of a recording is shown for, where frame k
    was captured ``seconds[k]`` after the start and the recording ended at ``seconds[-1]``
    (one more entry than frames). A frame is shown from its capture until the next one's,
    rounded to whole ticks cumulatively, so the ticks add up to the recording's length; a
    frame that would get fewer than ``shortest`` ticks gets 0 (it is dropped) and the next
    frame starts in its place. Only the last may be stretched to ``shortest``."""
    timeline = Timeline(rate, shortest)
    ticks = [timeline.until(t) for t in seconds[1:frames]]
    return ticks + [timeline.last(seconds[frames])]


class Timeline:
    """Places frames captured at real moments on a grid of ``rate`` ticks per second
    (see ``frame_ticks``), one frame at a time, as a stream needs."""

    def __init__(self, rate, shortest, start=0.0):
        self.rate, self.shortest, self.start = rate, shortest, start
        self.placed = 0                         # ticks handed out so far

    def until(self, t):
        """Ticks for the frame before the one captured at ``t`` (0: drop it)."""
        ticks = round((t - self.start) * self.rate) - self.placed
        if ticks < self.shortest:
            return 0
        self.placed += ticks
        return ticks

    def last(self, end):
        """Ticks for the last frame, the recording having ended at ``end``."""
        ticks = max(self.shortest, round((end - self.start) * self.rate) - self.placed)
        self.placed += ticks
        return ticks


def fit(frame, size):
    """``frame`` (h, w, 3) on a canvas of ``size`` (w, h). A recorded widget may be resized
    while it records: a frame of another size is scaled to fit whole, its aspect kept and
    centred on black (cut or padded at the right and bottom, a window made smaller lost its
    right half). One pixel short (an encoder's even size) is padded."""
    width, height = size
    h, w = frame.shape[:2]
    if (h, w) == (height, width):
        return np.ascontiguousarray(frame)
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    if 0 <= height - h <= 1 and 0 <= width - w <= 1:
        canvas[:h, :w] = frame
        return canvas
    from PIL import Image

    scale = min(width / w, height / h)
    w, h = max(1, round(w * scale)), max(1, round(h * scale))
    top, left = (height - h) // 2, (width - w) // 2
    canvas[top:top + h, left:left + w] = np.asarray(Image.fromarray(frame).resize((w, h), Image.Resampling.BILINEAR))
    return canvas


class _GifStream:
    """GIF89a written frame by frame. Pillow quantises each frame to its own 255 colours
    (median cut) and compresses it as a one-frame GIF; this class moves that GIF's palette
    into its image as a local colour table, puts a delay before it, and appends it to the
    file, which starts with a header without a global palette and a loop-forever block.
    GIF delays are in hundredths of a second, and browsers show delays under 2/100 s as
    1/10 s, hence ``rate`` and ``shortest``."""

    rate, shortest = 100, 2

    def __init__(self, path, fps):
        self.file = open(path, "wb")
        self.size = None

    def prepare(self, frame):
        from PIL import Image

        if self.size is None:
            self.size = frame.shape[1], frame.shape[0]
            self.file.write(b"GIF89a" + struct.pack("<HHBBB", *self.size, 0, 0, 0)
                            + b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
        return Image.fromarray(fit(frame, self.size)).quantize(colors=255, method=Image.Quantize.MEDIANCUT)

    def write(self, image, ticks):
        buffer = io.BytesIO()
        image.save(buffer, "GIF", interlace=False)
        gif = buffer.getvalue()
        table_bits = gif[10] & 7                       # the global table has 2^(bits+1) colours
        start = 13 + (3 << (table_bits + 1))
        palette = gif[13:start]
        while gif[start] == 0x21:                      # skip extension blocks, if any
            start += 2
            while gif[start]:
                start += gif[start] + 1
            start += 1
        descriptor = gif[start:start + 9] + bytes([gif[start + 9] | 0x80 | table_bits])  # + local table
        self.file.write(b"!\xf9\x04" + struct.pack("<BHBB", 1 << 2, ticks, 0, 0)  # delay; keep
                        + descriptor + palette + gif[start + 10:-1])             # pixels, no ";"

    def close(self):
        self.file.write(b";")
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()

    def interrupt(self):
        """Nothing to cut short: a GIF frame takes at most a tenth of a second."""

    def discard(self):
        self.file.close()


class _Mp4Stream:
    """H.264 MP4 by the ffmpeg that imageio-ffmpeg ships, fed raw frames through a pipe at
    a constant ``fps`` (a frame is sent once per tick it is shown). Sizes are padded to
    even numbers, which the encoder needs."""

    shortest = 1

    def __init__(self, path, fps):
        self.path, self.rate, self.process, self.size = path, fps, None, None

    def prepare(self, frame):
        if self.process is None:
            import imageio_ffmpeg

            height, width = frame.shape[:2]
            self.size = width + width % 2, height + height % 2
            try:
                ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
            except RuntimeError:
                raise ExportError("an MP4 needs ffmpeg, and none was found (install it, or set "
                                  "IMAGEIO_FFMPEG_EXE): record a GIF instead") from None
            try:        # a session of its own: a Ctrl+C meant for the lab is the lab's to handle
                self.process = subprocess.Popen(
                    [ffmpeg, "-y", "-loglevel", "error",
                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "{}x{}".format(*self.size),
                     "-r", str(self.rate), "-i", "-",
                     "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", str(self.path)],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    start_new_session=True)
            except OSError as error:
                raise ExportError(f"an MP4 needs ffmpeg, and {path_text(ffmpeg)} cannot be run "
                                  f"({error.strerror or error}): record a GIF instead") from None
        return fit(frame, self.size)

    def write(self, canvas, ticks):
        for _ in range(ticks):
            self.process.stdin.write(canvas)

    def close(self):
        _, log = self.process.communicate()
        if self.process.returncode != 0:
            reason = log.decode(errors="replace").strip().splitlines()
            raise ExportError(f"ffmpeg failed: {reason[-1][:200] if reason else self.process.returncode}")

    def interrupt(self):
        """Stop ffmpeg at once (called from another thread: the file is abandoned)."""
        if self.process is not None:
            self.process.kill()

    def discard(self):
        if self.process is not None:
            self.process.kill()
            self.process.communicate()


STREAMS = {".gif": _GifStream, ".mp4": _Mp4Stream}


class Animation:
    """A GIF or MP4 (by the path's suffix) written while its frames arrive.

    ``add(frame, t)`` hands over each (h, w, 3) uint8 frame with the moment ``t`` it was
    captured (seconds, on the clock ``start`` is read from); ``finish(end)`` completes the
    file. A frame is prepared (quantised, padded) as it arrives and written when the next
    one arrives, which fixes how long it is shown (``frame_ticks``): one frame at most is
    held, so memory does not grow with the length. The bytes go to a temporary file beside
    the target, renamed over it by ``finish``; a failure, ``abandon()``, or leaving a
    ``with`` block unfinished removes it. One thread at a time may use an Animation;
    ``interrupt()`` may come from any thread.
    """

    def __init__(self, path, fps, start=0.0):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in STREAMS:
            raise ExportError(f"an animation is .gif or .mp4, not {suffix or 'no suffix'}")
        self.lock, self.part = _temporary_beside(self.path)   # locked while it is written
        self.stream = STREAMS[suffix](self.part, fps)
        self.timeline = Timeline(self.stream.rate, self.stream.shortest, start)
        self.pending = None                     # the newest frame, prepared, not yet written
        self.frames = 0                         # frames written
        self.interrupted = False

    def add(self, frame, t):
        with self._failing_cleanly():
            if self.pending is not None:
                self._write(self.timeline.until(t))
            self.pending = self.stream.prepare(frame)

    def finish(self, end):
        """Write the last frame (shown until ``end``) and put the file in place; returns
        the number of frames written and the animation's length in seconds."""
        with self._failing_cleanly():
            if self.pending is None:
                raise ExportError("nothing was recorded")
            self._write(self.timeline.last(end))
            self.stream.close()
            os.replace(self.part, self.path)
            self.lock.close()
            self.stream = None
        return self.frames, self.timeline.placed / self.timeline.rate

    def _write(self, ticks):
        if ticks:
            self.stream.write(self.pending, ticks)
            self.frames += 1
        self.pending = None

    @contextmanager
    def _failing_cleanly(self):
        """Any failure abandons the file; a write error becomes one ExportError naming it."""
        try:
            if self.interrupted or self.stream is None:
                raise ExportError("the recording was abandoned")
            yield
        except Exception as error:
            self.abandon()
            if self.interrupted:
                raise ExportError("the recording was abandoned") from None
            if isinstance(error, OSError):
                raise ExportError(f"cannot write {self.path}: {error.strerror or error}") from None
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.abandon()

    def interrupt(self):
        """Make the running or next call give up (from any thread): the file is abandoned."""
        self.interrupted = True
        stream = self.stream                    # the encoding thread may drop it meanwhile
        if stream is not None:
            stream.interrupt()

    def abandon(self):
        """Close and remove the temporary file; the target is left as it was."""
        if self.stream is not None:
            self.stream.discard()
            self.stream = None
        self.part.unlink(missing_ok=True)
        self.lock.close()
