"""hepscaling.models — the classifiers and networks of the papers, their losses, and the common training loop.

``losses``        binary cross-entropy of paper A's eq. (7) with clipping (numpy metric), and the torch training
                  losses ``bce_with_logits``, ``mse``, ``heteroscedastic_nll`` (registry ``get_loss``)
``knn``           k-nearest-neighbour classifiers on features or on precomputed distance matrices (k chosen on
                  validation)
``logistic``      logistic regression (liblinear) on standardised features
``networks``      network builders (``MLP``: widths, activation, initialisation from a ``torch.Generator``), each with
                  an analytic FLOP count
``train``         the one training loop of every neural network (Adam/AdamW, parameter groups, constant or cosine
                  schedule, validation with early stopping and best-weight restore, seeds, device, FLOPs):
                  ``train(...) -> TrainResult``
``flops``         exact FLOP counting (convention: 2 per multiply-add, matrix multiplications only), analytic for
                  ``nn.Linear`` chains and measured with ``torch.utils.flop_counter``
``mup``           paper B's MLP-I in the maximal update parametrisation (eqs. 18-21): ``MLPI`` (µP initialisation,
                  per-group Adam learning rates ``param_groups(lr)``, last-layer ``features``), ``mlp_i_shape``
                  (width and depth at a fixed ratio for a target parameter count)
``lloca``         paper B's LLoCa-Transformer (learned Lorentz frames, the ``lloca`` package) on four-momenta
``set_transformer`` paper D's jet classifier: ``SetTransformer`` (per-particle embedding, pre-LN masked self-attention
                  blocks, class token or masked mean pooling; ``n_params`` = non-embedding parameters; exact analytic
                  ``flops``), ``set_transformer_shape`` (shape for a target parameter count), ``non_embedding_params``
``mlp``           the 3x128 ReLU DNN of paper A (``train_mlp``), built on ``networks`` + ``train`` (CPU by default,
                  CUDA when present)
``vq``            vector quantiser (straight-through estimator, commitment loss, seeded k-means++ initialisation,
                  dead-code replacement, codebook usage): ``VectorQuantizer``
``jet_tokenizer`` paper C's OmniJet-α tokenizer: preprocessing (``standardise_constituents``: log pT - 1.8, 3 Δη,
                  3 Δφ, |Δη|, |Δφ| < 0.8, first 128 by pT), the transformer VQ-VAE ``JetTokenizer`` (``encode`` /
                  ``decode``), ``train_tokenizer``, ``reconstruction_resolution``
``jet_gpt``       paper C's generative backbone: ``JetGPT`` (causal transformer over start/codes/stop/pad tokens with
                  a KV cache), ``to_sequences`` / ``from_sequences``, ``next_token_loss`` (``gpt_loss`` for ``train``),
                  ``generate`` (seeded multinomial sampling, truncated at the stop token), ``n_params``
"""
