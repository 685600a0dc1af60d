import Foundation

/// Validates JSON documents against `docs/schemas/*.schema.json` with Python's `jsonschema`
/// (installed by `.ci/run`). Missing: a test fails under `CI=true`, and is skipped otherwise.
enum SchemaValidator {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let schemas = repository.appendingPathComponent("docs/schemas")

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether `python3 -c 'import jsonschema'` works here.
    static let available: Bool = (try? python(["-c", "import jsonschema, referencing"], input: "").status) == 0

    static let script = #"""
    import json, sys, pathlib, jsonschema, referencing
    folder = pathlib.Path(sys.argv[1])
    resources, by_name = [], {}
    for path in sorted(folder.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        by_name[path.name[:-len(".schema.json")]] = schema
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    problems = []
    for number, line in enumerate(sys.stdin):
        item = json.loads(line)
        label = f'#{number} {item["schema"]} ({item["label"]})'
        try:
            document = json.loads(item["document"])
        except ValueError as error:
            problems.append(f"{label}: not one JSON document: {error}")
            continue
        validator = jsonschema.Draft202012Validator(by_name[item["schema"]], registry=registry)
        for error in validator.iter_errors(document):
            problems.append(f"{label}: at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}")
    print("\n".join(problems))
    """#

    /// Each document checked against its schema; the problems found (empty: all valid).
    static func problems(_ documents: [(schema: String, label: String, document: String)]) throws -> [String] {
        let lines = try documents.map { item -> String in
            let object = ["schema": item.schema, "label": item.label, "document": item.document]
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let result = try python(["-c", script, schemas.path], input: lines.joined(separator: "\n") + "\n")
        guard result.status == 0 else { return ["the validator failed: \(result.output)"] }
        return result.output.split(separator: "\n").map(String.init)
    }

    static func python(_ arguments: [String], input: String) throws -> (status: Int32, output: String) {
        let r = try runProgramBlocking(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments,
                                       environment: ProcessInfo.processInfo.environment, stdin: input, timeout: 120)
        return (r.exitCode, r.stdout + r.stderr)
    }
}
