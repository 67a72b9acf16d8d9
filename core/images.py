"""What an uploaded image is, read from its bytes: a paper's PNG or JPEG, and the office's
logo, are checked the same way.

The type is read from the content, never from the name or the browser's content type, and
the image is then read whole by Pillow, so a file that only starts like a PNG is refused.
"""

import filetype

# What filetype calls the two kinds of image accepted, and what Pillow calls them.
FORMATS = {"png": "PNG", "jpg": "JPEG"}


def read_image(upload):
    """("png" or "jpg", width, height) for a PNG or JPEG image that Pillow reads whole, with
    the name ending ``filetype`` gives it; None for anything else.

    The size comes from the image's header before any pixel is decoded, so that the caller
    can refuse a pixel bomb (a small file that decodes to a huge image) without drawing it;
    Pillow itself refuses one past its own limit."""
    from PIL import Image

    upload.seek(0)
    guess = filetype.guess(upload.read(8192))
    upload.seek(0)
    found = guess.extension if guess else None
    if found not in FORMATS:
        return None
    try:
        with Image.open(upload) as image:
            width, height = image.size
            image.verify()
            pillow_format = image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    if pillow_format != FORMATS[found]:
        return None
    return found, width, height
