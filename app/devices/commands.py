"""The station's own command barcodes, so a packer never needs the mouse.

A command barcode is a Code 128 symbol whose text is ``CMD:`` followed by the command's code, e.g.
``CMD:NEXT-ORDER``. Reading is forgiving (any case, ``_`` or ``-``, an AIM identifier in front); an
unknown ``CMD:...`` is rejected as not understood, never taken for an item.

Print a sheet of them with :func:`command_barcode` (the value to encode) and :data:`COMMAND_LABELS`.
"""

from __future__ import annotations

from enum import Enum

COMMAND_PREFIX = "CMD:"


class Command(str, Enum):
    NEXT_ORDER = "next_order"
    CLOSE_BOX = "close_box"
    REPRINT = "reprint"
    LOG_OUT = "log_out"
    CANCEL = "cancel"
    WEIGH = "weigh"
    TARE = "tare"
    ZERO = "zero"


COMMAND_LABELS: dict[Command, str] = {
    Command.NEXT_ORDER: "Next order",
    Command.CLOSE_BOX: "Close box",
    Command.REPRINT: "Reprint label",
    Command.LOG_OUT: "Log out",
    Command.CANCEL: "Cancel",
    Command.WEIGH: "Weigh now",
    Command.TARE: "Tare scale",
    Command.ZERO: "Zero scale",
}


def command_barcode(command: Command) -> str:
    """The text to encode (Code 128) for ``command``."""
    return COMMAND_PREFIX + command.value.upper().replace("_", "-")


class UnknownCommand(ValueError):
    pass


def parse_command(text: str) -> Command | None:
    """The command a scan stands for; None when it is no command barcode at all.

    Raises :class:`UnknownCommand` for ``CMD:`` followed by something the station does not know."""
    if not text[: len(COMMAND_PREFIX)].upper() == COMMAND_PREFIX:
        return None
    code = text[len(COMMAND_PREFIX):].strip().lower().replace("-", "_")
    try:
        return Command(code)
    except ValueError:
        raise UnknownCommand(f"unknown station command {text!r}") from None
