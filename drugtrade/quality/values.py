"""Values GX hands back (numpy scalars, pandas Timestamps, NA, tuples of pair values) made
JSON-able, for samples people read and results files that outlive the process."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def jsonable(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.api.extensions.ExtensionArray):
        return [jsonable(v) for v in value]
    if hasattr(value, "as_py"):  # pyarrow scalars inside ArrowDtype columns
        return jsonable(value.as_py())
    return str(value)
