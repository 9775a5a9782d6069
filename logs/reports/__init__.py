"""What a person's log says over a range of days, in every shape (style.md "Charts and exports share one read")."""
