import GreenmarkModel
import GreenmarkStorage
import Hummingbird

/// What model this daemon runs, for any token: `GET /v1/model` (name, vocabulary, whether it
/// generates, and whether it takes a chat or continues a plain prompt) and the OpenAI-compatible
/// `GET /v1/models`. A model without a chat template refuses `POST /v1/chat/completions` and a
/// system message with 400 `generation.chat_unsupported`; `POST /v1/generate` continues its prompt.
struct ModelRoutes: RouteArea {
    /// The loaded model, when this daemon generates.
    let model: LlamaModel?
    /// The tokenizer detection uses (the same model's vocabulary).
    let tokenizer: LlamaTokenizer

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        let verify = routes.group().add(middleware: RoleMiddleware(.verify))
        verify.get("/v1/model") { [model, tokenizer] _, _ -> ModelStatusResponse in
            ModelStatusResponse(model: model, tokenizer: tokenizer)
        }
        verify.get("/v1/models") { [model] _, _ -> ModelListResponse in
            ModelListResponse(model: model)
        }
        return routes
    }
}
