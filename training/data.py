"""Load and validate a labelled CSV before anything is fitted."""

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from training.text import normalise

# Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2.
_FIRST_DATA_ROW = 2
_MAX_ROWS_LISTED = 10


class DataError(ValueError):
    """A labelled file that cannot be used, with a message naming the file, rows and column."""


@dataclass
class LabelledData:
    """Validated texts and labels, plus what validation dropped."""

    frame: pd.DataFrame  # columns: text, label, row
    path: Path
    dropped_duplicates: list[int] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return self.frame["text"].tolist()

    @property
    def labels(self) -> list[str]:
        return self.frame["label"].tolist()

    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.frame["label"].value_counts().sort_index().items()}


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_MAX_ROWS_LISTED])
    more = len(rows) - _MAX_ROWS_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _read_utf8(path: Path) -> str:
    if not path.exists():
        raise DataError(f"{path}: file not found. Pass an existing CSV file (DATA=path.csv).")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a CSV file.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line} holds bytes that are not UTF-8 (byte {err.start}, "
            f"0x{raw[err.start]:02x}). Save the file as UTF-8 (in a spreadsheet: "
            "'CSV UTF-8') and try again."
        ) from None


def read_labelled_csv(
    path: str | Path, text_col: str = "text", label_col: str = "label"
) -> pd.DataFrame:
    """Read a CSV as strings, keeping its row numbers; check it is a CSV with the columns."""
    path = Path(path)
    content = _read_utf8(path)
    if not content.strip():
        raise DataError(f"{path}: the file is empty; expected a header row and labelled rows.")
    try:
        # Large CSV fields (long forum posts) exceed the csv module's default limit.
        csv.field_size_limit(sys.maxsize)
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="c"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(
            f"{path}: could not be read as a CSV ({first}). Expected a comma-separated file "
            f"with a header row that includes the columns '{text_col}' and '{label_col}'."
        ) from None
    missing = [c for c in (text_col, label_col) if c not in frame.columns]
    if missing:
        found = ", ".join(repr(c) for c in frame.columns[:20]) or "none"
        raise DataError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)}. The header has: "
            f"{found}. Name the columns with TEXT_COL= and LABEL_COL= (or --text-col/--label-col)."
        )
    frame = frame.rename(columns={text_col: "text", label_col: "label"})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame["row"] = range(_FIRST_DATA_ROW, _FIRST_DATA_ROW + len(frame))
    return frame


def load_labelled_data(
    path: str | Path,
    text_col: str = "text",
    label_col: str = "label",
    min_rows_per_label: int = 1,
    log=print,
) -> LabelledData:
    """Read and validate a labelled CSV; raise DataError explaining what to fix."""
    path = Path(path)
    frame = read_labelled_csv(path, text_col, label_col)
    if frame.empty:
        raise DataError(f"{path}: has a header but no rows.")

    blank_text = frame.loc[frame["text"].str.strip() == "", "row"].tolist()
    if blank_text:
        raise DataError(
            f"{path}: column '{text_col}' is empty or whitespace in row(s) {_rows(blank_text)}. "
            "Every row needs a description; delete those rows or fill them in."
        )
    blank_label = frame.loc[frame["label"].str.strip() == "", "row"].tolist()
    if blank_label:
        raise DataError(
            f"{path}: column '{label_col}' is blank in row(s) {_rows(blank_label)}. "
            "Every row needs a label."
        )
    frame["label"] = frame["label"].str.strip()
    key = frame["text"].map(normalise)

    conflicts = frame.assign(key=key).groupby("key")["label"].nunique()
    conflicting = frame.loc[key.isin(conflicts[conflicts > 1].index), "row"].tolist()
    if conflicting:
        raise DataError(
            f"{path}: the same text (ignoring case and spacing) appears under different labels "
            f"in column '{label_col}', rows {_rows(conflicting)}. Decide on one label per text."
        )

    duplicated = key.duplicated(keep="first")
    dropped = frame.loc[duplicated, "row"].tolist()
    if dropped:
        log(
            f"{path}: dropped {len(dropped)} exact duplicate row(s) (same text and label as an "
            f"earlier row): {_rows(dropped)}."
        )
        frame = frame.loc[~duplicated]

    counts = frame["label"].value_counts()
    too_few = counts[counts < min_rows_per_label]
    if not too_few.empty:
        listing = ", ".join(f"'{label}' has {n}" for label, n in too_few.items())
        raise DataError(
            f"{path}: column '{label_col}': {listing} row(s); each label needs at least "
            f"{min_rows_per_label} rows to be cross-validated. Add rows or remove the label."
        )
    if counts.size < 2:
        raise DataError(f"{path}: column '{label_col}' has one label only; a classifier needs two.")
    return LabelledData(frame[["text", "label", "row"]].reset_index(drop=True), path, dropped)


def _read_frame(path: Path, what: str) -> pd.DataFrame:
    content = _read_utf8(path)
    if not content.strip():
        raise DataError(f"{path}: the file is empty; expected a header row and {what}.")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise DataError(
            f"{path}: could not be read as a CSV ({str(err).splitlines()[0]})."
        ) from None


def _texts(path: Path, frame: pd.DataFrame, text_col: str) -> list[str]:
    if text_col not in frame.columns:
        raise DataError(f"{path}: missing column '{text_col}'.")
    blank = [i + _FIRST_DATA_ROW for i, t in enumerate(frame[text_col]) if not t.strip()]
    if blank:
        raise DataError(f"{path}: column '{text_col}' is empty in row(s) {_rows(blank)}.")
    return frame[text_col].tolist()


def load_texts(path: str | Path, text_col: str = "text") -> list[str]:
    """Read one text column (for unlabelled sets such as out-of-scope examples)."""
    path = Path(path)
    return _texts(path, _read_frame(path, "texts"), text_col)


_CATEGORY_ID = re.compile(r"[a-z][a-z0-9_]*")


def load_red_flag_data(path: str | Path) -> tuple[list[str], list[set[str]]]:
    """Texts and the red-flag categories that apply to each (column `red_flags`, ids
    separated by ';', empty when none apply), as in datasets/red_flags_dev.csv."""
    path = Path(path)
    frame = _read_frame(path, "texts with their red flags")
    texts = _texts(path, frame, "text")
    if "red_flags" not in frame.columns:
        raise DataError(f"{path}: missing column 'red_flags'.")
    categories = [
        {c.strip() for c in value.split(";") if c.strip()} for value in frame["red_flags"]
    ]
    bad = [
        i + _FIRST_DATA_ROW
        for i, found in enumerate(categories)
        if any(not _CATEGORY_ID.fullmatch(c) for c in found)
    ]
    if bad:
        raise DataError(
            f"{path}: column 'red_flags' holds something other than category ids separated by "
            f"';' (lowercase, e.g. cauda_equina;infection) in row(s) {_rows(bad)}."
        )
    return texts, categories
