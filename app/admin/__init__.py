"""Administration: who may do what (users, badges, PINs, roles)."""
