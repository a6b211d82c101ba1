"""Print the table of settings variables (used to write README's table)."""

from settings import variables_table

print(variables_table())
