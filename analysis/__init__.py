"""Pure computations over price data: ratios, workloads, trends, claims. No I/O here."""
