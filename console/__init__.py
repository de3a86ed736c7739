"""The `supplysync` command line, the composition root at the top of the package picture.

`console.main` builds the parser from a table of command groups, one module
each (`demo`, `evaluate`, `live`, `scenario`, `bench`), and runs the command
given. A command imports the packages it needs inside itself, so
`supplysync validate` stays fast; no other package imports this one.
"""
