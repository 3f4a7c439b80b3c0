"""Local schemes (M6): a commissioner's locally commissioned services and locally
funded roles, and where they overlap the DES and ARRS posts (double funding)."""
