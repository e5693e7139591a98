"""Open311 GeoReport v2: reports from any application that speaks the standard."""
