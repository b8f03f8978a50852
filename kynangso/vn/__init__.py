"""Vietnamese identifiers and calendar: citizen IDs, tax codes, phone numbers, working days."""
