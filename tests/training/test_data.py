"""Validation of a labelled CSV: every failure names the file, the rows and the column."""

from pathlib import Path

import pytest

from tests.conftest import write_csv
from training.data import DataError, load_labelled_data, load_red_flag_data


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        load_labelled_data(tmp_path / "nope.csv")


def test_bytes_that_are_not_utf8_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\nok row,a\ncaf\xe9 au lait back pain,b\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1\.csv: line 3 holds bytes that are not UTF-8"):
        load_labelled_data(path)


def test_a_file_that_is_not_a_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b'text,label\n"unterminated,a\n' + b"x" * 10)
    with pytest.raises(DataError, match=r"binary\.csv"):
        load_labelled_data(path)


def test_missing_columns_are_listed_with_what_the_header_has(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cols.csv", ["description", "diagnosis"], [["sore back", "x"]])
    with pytest.raises(DataError, match=r"missing column\(s\) 'text', 'label'.*'description'"):
        load_labelled_data(path)


def test_other_column_names_can_be_chosen(tmp_path: Path) -> None:
    rows = [[f"text number {i}", "a" if i % 2 else "b"] for i in range(10)]
    path = write_csv(tmp_path / "named.csv", ["description", "diagnosis"], rows)
    data = load_labelled_data(path, text_col="description", label_col="diagnosis")
    assert data.counts() == {"a": 5, "b": 5}


def test_blank_text_names_rows_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", ["text", "label"], [["fine", "a"], ["   ", "b"]])
    with pytest.raises(DataError, match=r"column 'text' is empty or whitespace in row\(s\) 3"):
        load_labelled_data(path)


def test_blank_label_names_rows_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nolabel.csv", ["text", "label"], [["one", "a"], ["two", ""]])
    with pytest.raises(DataError, match=r"column 'label' is blank in row\(s\) 3"):
        load_labelled_data(path)


def test_a_label_too_small_to_cross_validate_is_refused(tmp_path: Path) -> None:
    rows = [[f"a text {i}", "common"] for i in range(6)] + [["a rare text", "rare"]]
    path = write_csv(tmp_path / "rare.csv", ["text", "label"], rows)
    with pytest.raises(DataError, match=r"'rare' has 1 row\(s\); each label needs at least 5"):
        load_labelled_data(path, min_rows_per_label=5)


def test_exact_duplicates_are_reported_and_dropped(tmp_path: Path) -> None:
    rows = [["same text", "a"], ["other text", "b"], ["Same  text", "a"], ["third", "b"]]
    path = write_csv(tmp_path / "dupes.csv", ["text", "label"], rows)
    messages: list[str] = []
    data = load_labelled_data(path, log=messages.append)
    assert len(data.frame) == 3
    assert data.dropped_duplicates == [4]
    assert "dropped 1 exact duplicate row(s)" in messages[0]


def test_the_same_text_under_two_labels_is_refused(tmp_path: Path) -> None:
    rows = [["my back hurts", "a"], ["other", "b"], ["My back hurts", "b"]]
    path = write_csv(tmp_path / "conflict.csv", ["text", "label"], rows)
    with pytest.raises(DataError, match=r"different labels.*rows 2, 4"):
        load_labelled_data(path)


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "empty.csv", ["text", "label"], [])
    with pytest.raises(DataError, match="no rows"):
        load_labelled_data(path)


def test_a_red_flag_file_with_something_other_than_category_ids_names_the_row(
    tmp_path: Path,
) -> None:
    rows = [["back pain and a fever", "infection"], ["numb down there", "Cauda Equina"]]
    path = write_csv(tmp_path / "flags.csv", ["text", "red_flags"], rows)
    with pytest.raises(DataError, match=r"flags.csv.*'red_flags'.*row\(s\) 3"):
        load_red_flag_data(path)
