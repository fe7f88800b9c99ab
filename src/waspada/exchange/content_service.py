def home(db, principal):
    return []
