"""What the user typed or named, handled safely: a file read only if it is a regular file
of bounded size, JSON read with one short message for every way it can be malformed, and
a bad value quoted in a message without flooding it."""
from __future__ import annotations

import json
import os
import stat

QUOTE_LIMIT = 40                        # characters of a bad value quoted in a message


def read_small_file(path, limit, what):
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; otherwise
    a ValueError saying why not (``what`` names what the file should have been: "a setup").

    The file is opened without blocking and looked at (fstat) before anything is read, so
    a FIFO nobody writes, /dev/zero or a folder is refused at once instead of waited on."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ValueError(f"cannot read it ({error.strerror})") from None
    too_large = f"it is larger than {limit:,} bytes, too large for {what}"
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError("it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file (a FIFO or a device?)")
        if info.st_size > limit:
            raise ValueError(too_large)
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read(info.st_size + 1)  # read(limit + 1) would allocate the limit
            if len(data) > info.st_size:        # it has grown since fstat
                data += file.read(limit + 1 - len(data))
    except OSError as error:                    # EIO from /proc/self/mem, a failing disk
        raise ValueError(f"cannot read it ({error.strerror or error})") from None
    finally:
        os.close(handle)
    if len(data) > limit:
        raise ValueError(too_large)
    return data


def quoted(value, limit=QUOTE_LIMIT):
    """repr(value), cut to ``limit`` characters: a message names a bad value, but never
    prints a 50 MB string back."""
    try:
        text = repr(value[:limit + 1] if isinstance(value, str) else value)
    except (RecursionError, ValueError):    # deeply nested, or an int too long for str()
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def path_text(path, limit=3 * QUOTE_LIMIT):
    """A file name as a message shows it: as typed, or quoted and cut if it is long or
    holds characters (such as a newline) that would break the message's one line."""
    text = str(path)
    return text if len(text) <= limit and text.isprintable() else quoted(text, limit)


def parse_json(text):
    """json.loads, with every way it can fail as one short ValueError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"malformed JSON at line {error.lineno} column {error.colno}: "
                         f"{error.msg}") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError:                      # an integer of more than 4300 digits
        raise ValueError("the JSON holds a number too long to read") from None
