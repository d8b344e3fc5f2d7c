"""People as pages name them, from their plain values (a row read with `values_list` or an
annotation) rather than a user instance each."""

# The fields a person's name is made of, in the order `person_name_of` takes them.
NAME_FIELDS = ("first_name", "last_name", "username")


def person_name_of(first: str | None, last: str | None, username: str | None) -> str:
    """What `user.get_full_name() or user.get_username()` says, from the values of
    `NAME_FIELDS`; empty for nobody (all None, as a left join of no person reads)."""
    if username is None:
        return ""
    return f"{first} {last}".strip() or username
