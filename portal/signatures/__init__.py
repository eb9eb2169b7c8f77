"""Digital signatures (ký số): unit certificates and their keys (`keys`), PAdES signing
(`signing`), verification of signed PDFs (`verification`). See docs/signatures.md."""
