// module ProfileApply
