import ArgumentParser
import GreenmarkCore
import GreenmarkModel

/// The `--model` option shared by commands that load the model or its tokenizer.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("GGUF model (default: $GREENMARK_MODEL, else the installed default).", valueName: "path"))
    var model: String?

    /// The resolved model path.
    func path() throws(GreenmarkError) -> String { try ModelLocator.resolve(explicit: model) }

    /// The model's tokenizer, loaded vocabulary-only.
    func tokenizer() throws(GreenmarkError) -> LlamaTokenizer { try LlamaTokenizer(modelPath: path()) }

    /// The vocabulary id to bind new keys to: the given model's, else the default model's when
    /// installed, else nil (the key is then not bound).
    func vocabularyID() throws(GreenmarkError) -> String? {
        if model == nil, (try? path()) == nil { return nil }
        return try tokenizer().vocabularyID
    }
}
