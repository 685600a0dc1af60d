// module ProfileRender
