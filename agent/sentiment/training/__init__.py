"""Training the reader: labelled data, fitting the heads, adapting to a team, the shipped build."""
