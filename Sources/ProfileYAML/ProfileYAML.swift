// module ProfileYAML
