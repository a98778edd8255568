"""rbdash: Indonesian RB (Reformasi Birokrasi) action plans from Excel to DuckDB and dashboards."""

__version__ = "0.1.0"
