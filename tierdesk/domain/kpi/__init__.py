"""KPI definitions over plain values: each formula lives here once, and docs/kpis.md cites it."""
