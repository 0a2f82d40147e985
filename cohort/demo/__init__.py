"""`cohort demo`: the reference term, one user per role, a proposal in review, applications in
every state and a selection conflict. It composes every app's demo data, so it is the top layer:
nothing imports it."""
