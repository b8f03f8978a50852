"""Vietnamese identifiers and calendar: citizen IDs, tax codes, phone numbers, working days."""

from kynangso.vn.calendar import add_working_days, is_working_day, public_holidays
from kynangso.vn.cccd import CitizenId, parse_cccd
from kynangso.vn.phone import CARRIER_PREFIXES, normalise_mobile, phone_carrier
from kynangso.vn.provinces import PROVINCES
from kynangso.vn.statuses import DOSSIER_STATUSES
from kynangso.vn.tax import validate_mst

__all__ = [
    "CARRIER_PREFIXES",
    "DOSSIER_STATUSES",
    "PROVINCES",
    "CitizenId",
    "add_working_days",
    "is_working_day",
    "normalise_mobile",
    "parse_cccd",
    "phone_carrier",
    "public_holidays",
    "validate_mst",
]
