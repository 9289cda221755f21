"""BI endpoints: tidy, disclosure-controlled tables for Power BI, Excel and pandas (CSV,
JSON, Parquet and an OData v4 feed), and the BI access tokens those tools authenticate with."""
