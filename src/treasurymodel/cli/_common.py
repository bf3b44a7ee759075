"""What the subcommands share: loading a source, number options, figure files, errors."""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NoReturn

from .. import datasets
from ..company import Company
from ..errors import ValidationError, shown
from ..io import atomic_write
from ..io import load as _load_file
from .render import _status

__all__ = ["PROG", "load_source", "parse_number", "usage_error"]

PROG: Final = "treasurymodel"


def load_source(source: str) -> tuple[Company, str]:
    """A company file if ``source`` names one that exists, else a bundled data set by name.


    Returns the company and a label. A path that exists wins over a data set of the same
    name (``validate mstr-2026-02`` reads the file ``mstr-2026-02`` when there is one).


    Examples
    --------
    >>> from treasurymodel.cli import load_source
    >>> company, label = load_source("mstr-2022q2")
    >>> company.name, label
    ('MicroStrategy', 'data set mstr-2022q2')
    """
    if not isinstance(source, str):
        raise ValidationError("source", source, "must be a data set name or a file path (a str)")
    if source in datasets.names() and not os.path.lexists(source):
        return datasets.load(source), f"data set {source}"
    looks_like_name = os.sep not in source and "." not in os.path.basename(source)
    if looks_like_name and not os.path.exists(source):
        raise ValidationError(
            "source",
            source,
            f"is neither a bundled data set ({', '.join(datasets.names())}) nor a file",
        )
    return _load_file(source), source


def _number_argument(
    *,
    whole: bool = False,
    positive: bool = False,
    non_negative: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
) -> Callable[[str], Any]:
    """An argparse ``type=``: a finite number (``1,000`` and ``1_000`` allowed) in a range.


    A bad value is a usage error (exit code 2) naming the option.
    """
    kind = "whole number" if whole else "number"

    def parse(text: str) -> Any:
        value = parse_number(text, whole=whole)
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite {kind}, got {text!r}")
        if positive and value <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive {kind}, got {text!r}")
        if non_negative and value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
        if at_least is not None and value < at_least:
            raise argparse.ArgumentTypeError(f"must be at least {at_least:g}, got {text!r}")
        if at_most is not None and value > at_most:
            raise argparse.ArgumentTypeError(f"must be at most {at_most:g}, got {text!r}")
        return value

    return parse


_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")
"""A number with its thousands grouped by commas: ``1,000``, ``68,141.5``, ``-1,000,000``."""


def parse_number(text: str, *, whole: bool = False) -> float | int:
    """A number written on the command line: ``0.5``, ``1e6``, ``1_000`` or ``1,000,000``.


    A comma may only group thousands (three digits after each comma, one to three before
    the first); anything else, such as the decimal comma of ``0,5`` or ``68141,5``, is
    refused rather than read as something else. With ``whole`` the number must be an
    integer (``2.5`` and ``1e6`` are refused).


    Raises
    ------
    argparse.ArgumentTypeError
        If ``text`` is not such a number (argparse turns it into a usage error, exit 2).


    Examples
    --------
    >>> parse_number("68,141.5"), parse_number("1_000", whole=True), parse_number("-2e-1")
    (68141.5, 1000, -0.2)
    >>> parse_number("0,5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a number: '0,5' (a comma only groups thousands, ...: 0.5)
    """
    kind = "whole number" if whole else "number"
    cleaned = text.strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            hint = cleaned.replace(",", ".") if cleaned.count(",") == 1 else None
            tip = f"; write a decimal point: {hint}" if hint is not None else ""
            raise argparse.ArgumentTypeError(
                f"not a {kind}: {text!r} (a comma only groups thousands, as in 1,000,000{tip})"
            )
        cleaned = cleaned.replace(",", "")
    try:
        return int(cleaned) if whole else float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a {kind}: {text!r}") from None


_price = _number_argument(positive=True)


_FIGURE_SUFFIXES: Final = (".png", ".svg")


_FIGURE_DPI: Final = 150  # resolution of the PNG files the command writes


def _figure_argument(text: str) -> str:
    """An argparse ``type=``: the name of a figure file, ending in .png or .svg."""
    if os.path.splitext(text)[1].lower() not in _FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"must end in .png or .svg, got {text!r}")
    return text


def _check_output(path: str, option: str) -> None:
    """Invalid input (exit code 1) if ``path`` cannot be written: checked before any work."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValidationError(option, path, f"cannot be written: no directory {folder!r}")
    if os.path.isdir(path):
        raise ValidationError(option, path, "cannot be written: it is a directory")


def _save_figure(fig: Any, path: str, option: str) -> None:
    """``fig.savefig(path)`` at 150 dpi, atomically, then the status line ``wrote PATH``.


    The figure is written to a temporary file in the same folder and renamed onto ``path``:
    a failed write leaves an existing file as it was. A failure to write is invalid input
    naming ``option``. The status line goes to standard error (standard output carries
    the command's data), and only once the file is in place.
    """
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    atomic_write(
        Path(path),
        lambda tmp: fig.savefig(tmp, dpi=_FIGURE_DPI, format=suffix),
        field=option,
    )
    _status(f"wrote {path}")


Handler = Callable[[argparse.Namespace, argparse.ArgumentParser], int]


def _subcommand(
    sub: Any, name: str, *, help: str, description: str, epilog: str, handler: Handler
) -> argparse.ArgumentParser:
    """Add subcommand ``name``; its handler is called with the subcommand's own parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, subparser=parser)
    return parser


def _source_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="DATASET|FILE",
        help="a bundled data set name (see `treasurymodel datasets`) or a company file "
        "(.toml or .json)",
    )


_PRICE_OPTIONS: Final = {
    "asset_price": ("--asset-price", "asset_price"),
    "asset_prices": ("--asset-price", "asset_price"),
    "share_price": ("--share-price", "share_price"),
    "grid": ("--grid", "grid"),
}
"""Error field -> (option, attribute of the parsed arguments) of ``report`` and ``plot``."""


def _option_error(
    parser: argparse.ArgumentParser, err: ValidationError, args: argparse.Namespace
) -> NoReturn:
    """Re-raise ``err``, as a usage error if it is about a price given on the command line."""
    option, attribute = _PRICE_OPTIONS.get(err.field.partition("[")[0], (None, ""))
    if option is not None and getattr(args, attribute, None) is not None:
        usage_error(parser, option, err)
    raise err


def usage_error(parser: argparse.ArgumentParser, option: str, err: ValidationError) -> NoReturn:
    """Report ``err`` about command-line ``option`` as a usage error (exit code 2).

    One rule for the command line: a value given on it that is not a number, or is out of
    its range, is a usage error, whether argparse or the library finds it.
    """
    parser.error(f"argument {option}: {err.reason}, got {shown(err.value)}")
