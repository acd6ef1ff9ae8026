using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;
using SocketServer.Generators;

namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// Runs everything the project plugs into the compiler on one file, as a build and an editor would: the generator
/// (through Roslyn's driver), then every analyzer on the compilation with the generated code, then every code fix
/// on each diagnostic it fixes. Returns what threw, from whichever of them, in the words of the exception; any
/// [SocketServer] declaration the generator refused while nothing in the file says why; and, when asked, errors in
/// generated code when the file itself has none.
/// </summary>
public static class CompilerPlugins
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly CSharpCompilationOptions CompilationOptions =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>A compilation with the references and no code: each input is added to it, which reuses its binding of the references.</summary>
    private static readonly CSharpCompilation Empty = CSharpCompilation.Create("Consumer", [], Verify.References, CompilationOptions);

    /// <summary>Every analyzer of SocketServer.Analyzers, found by its attribute so that a new rule is fuzzed too.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        Exported<DiagnosticAnalyzer, DiagnosticAnalyzerAttribute>(typeof(InvalidCompositionAnalyzer).Assembly);

    /// <summary>Every code fix of SocketServer.Analyzers.CodeFixes, found by its export attribute.</summary>
    public static ImmutableArray<CodeFixProvider> CodeFixes { get; } =
        Exported<CodeFixProvider, ExportCodeFixProviderAttribute>(typeof(AddPartialCodeFixProvider).Assembly);

    /// <summary>
    /// A project with one document, compiled once; each run changes the document's text, so the code fixes' semantic
    /// work (simplification) reuses the project's binding of the references.
    /// </summary>
    private static readonly Lazy<Task<Document>> EmptyDocument = new(CreateEmptyDocumentAsync);

    /// <summary>The compilation of <paramref name="source"/> with the generator's output, as a build would compile it.</summary>
    public static Compilation Compose(string source) => Generate(Parse(source, CancellationToken.None), new ConcurrentQueue<string>(), CancellationToken.None);

    /// <summary>
    /// What threw while the generator, the analyzers and the code fixes ran on <paramref name="source"/>, and
    /// declarations refused without an explanation; with <paramref name="checkGeneratedCode"/>, also errors in generated
    /// code when the file has none. Empty when all is well.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FailuresAsync(string source, bool checkGeneratedCode, CancellationToken cancellationToken)
    {
        var failures = new ConcurrentQueue<string>();
        SyntaxTree input = Parse(source, cancellationToken);
        Compilation output = Generate(input, failures, cancellationToken);

        // The analyzers, on the compilation a build would analyze (with the generated code); Roslyn reports what they throw as AD0001.
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, analyzer, _) => failures.Enqueue($"{analyzer.GetType().Name} threw: {exception}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(Analyzers, options).GetAllDiagnosticsAsync(cancellationToken);
        foreach (Diagnostic diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
        {
            failures.Enqueue($"the analyzer driver reported {diagnostic}");
        }

        // Refusing a declaration is fine only if something tells the user: a compiler error or an analyzer's error in
        // their file. And when their file has no error, neither may the code the generator added to it.
        if (!diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == input))
        {
            foreach (INamedTypeSymbol refused in RefusedServers(output, input))
            {
                failures.Enqueue($"the generator composed nothing for '{refused.ToDisplayString()}' and no error in the file says why");
            }

            foreach (Diagnostic error in diagnostics.Where(d => checkGeneratedCode && d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && tree != input).Take(3))
            {
                failures.Enqueue($"the generated code does not compile, although the file does: {error}");
            }
        }

        await RunCodeFixesAsync(source, diagnostics.Where(d => d.Location.SourceTree == input).ToList(), failures, cancellationToken);
        return [.. failures];
    }

    /// <summary>
    /// The types in <paramref name="input"/> that carry the runtime's [SocketServer] attribute but got no generated
    /// part. (A look-alike attribute declared in source must not make anything throw, but it is not the runtime's:
    /// the compiler's CS0436 warning is the explanation there.)
    /// </summary>
    private static IEnumerable<INamedTypeSymbol> RefusedServers(Compilation output, SyntaxTree input) =>
        output.GetSymbolsWithName(_ => true, SymbolFilter.Type)
            .OfType<INamedTypeSymbol>()
            .Where(type => type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == input)
                && type.DeclaringSyntaxReferences.All(r => r.SyntaxTree == input)
                && type.GetAttributes().Any(a => a.AttributeClass is { Name: "SocketServerAttribute" } attribute
                    && attribute.ContainingAssembly.Name == typeof(SocketServerAttribute).Assembly.GetName().Name));

    private static SyntaxTree Parse(string source, CancellationToken cancellationToken) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Input.cs", cancellationToken: cancellationToken);

    /// <summary>Runs the generator: Roslyn catches what it throws, keeps it in the run result and reports CS8785 (CS8784 at initialization).</summary>
    private static Compilation Generate(SyntaxTree input, ConcurrentQueue<string> failures, CancellationToken cancellationToken)
    {
        Compilation compilation = Empty.AddSyntaxTrees(input);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SocketServerGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics, cancellationToken);
        foreach (GeneratorRunResult result in driver.GetRunResult().Results)
        {
            if (result.Exception is { } exception)
            {
                failures.Enqueue($"the generator threw: {exception}");
            }
        }

        foreach (Diagnostic diagnostic in diagnostics.Where(d => d.Id is "CS8784" or "CS8785"))
        {
            failures.Enqueue($"the driver reported {diagnostic}");
        }

        return output;
    }

    /// <summary>Asks each code fix for its actions on each diagnostic it fixes, and computes every action's change.</summary>
    private static async Task RunCodeFixesAsync(string source, List<Diagnostic> diagnostics, ConcurrentQueue<string> failures, CancellationToken cancellationToken)
    {
        var fixable = diagnostics
            .SelectMany(d => CodeFixes.Where(f => f.FixableDiagnosticIds.Contains(d.Id)).Select(f => (Diagnostic: d, Fix: f)))
            .ToList();
        if (fixable.Count == 0)
        {
            return;
        }

        Document document = (await EmptyDocument.Value).WithText(SourceText.From(source));
        SyntaxTree tree = (await document.GetSyntaxTreeAsync(cancellationToken))!;

        foreach ((Diagnostic found, CodeFixProvider fix) in fixable)
        {
            // The same diagnostic, located in the document's own tree (the text is the same, so is the span).
            Diagnostic diagnostic = Diagnostic.Create(
                found.Id, found.Descriptor.Category, found.GetMessage(), found.Severity, found.DefaultSeverity, found.Descriptor.IsEnabledByDefault,
                found.WarningLevel, location: Location.Create(tree, found.Location.SourceSpan), properties: found.Properties);
            var actions = new List<CodeAction>();
            try
            {
                await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken));
                foreach (CodeAction action in actions)
                {
                    _ = await action.GetOperationsAsync(cancellationToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Enqueue($"{fix.GetType().Name} threw on {found}: {exception}");
            }
        }
    }

    private static async Task<Document> CreateEmptyDocumentAsync()
    {
        var workspace = new AdhocWorkspace();
        ProjectId project = ProjectId.CreateNewId();
        DocumentId document = DocumentId.CreateNewId(project);
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(project, VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp, compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: Verify.References))
            .AddDocument(document, "Input.cs", SourceText.From(string.Empty));
        _ = await solution.GetProject(project)!.GetCompilationAsync();
        return solution.GetDocument(document)!;
    }

    private static ImmutableArray<T> Exported<T, TAttribute>(Assembly assembly)
        where TAttribute : Attribute =>
        [.. assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(T).IsAssignableFrom(t) && t.GetCustomAttribute<TAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!)];
}
