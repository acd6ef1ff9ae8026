namespace SocketServer.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one composed server type: plain strings, numbers and arrays of
/// them. No Roslyn object lives here, so the incremental pipeline can cache it across edits.
/// </summary>
/// <param name="HintName">The generated file's name, stable for the type.</param>
/// <param name="Namespace">The type's namespace, or an empty string for the global namespace.</param>
/// <param name="ContainingTypes">The types it is nested in, outermost first.</param>
/// <param name="Declaration">How the type itself is declared.</param>
/// <param name="Transport">The transport argument.</param>
/// <param name="Handler">The handler type, or <see langword="null"/>.</param>
/// <param name="MixIns">The mix-ins, outermost first: the user's, then the one the concurrency names.</param>
/// <param name="Steps">The steps some mix-in overrides, which the generated part routes through the mix-ins.</param>
/// <param name="SettingsInterfaces">The mix-ins' settings interfaces, which the server implements.</param>
/// <param name="Settings">The settings properties of those interfaces.</param>
/// <param name="UserMembers">The names of the mix-in settings the user declared in the partial class; the generator leaves those to the user.</param>
/// <param name="SkippedMembers">
/// The generated constructors and step overrides a user declaration collides with (keys of <see cref="GeneratedMembers"/>):
/// the generator leaves them out so that the only error is SSA008's, at the user's declaration.
/// </param>
internal sealed record ServerModel(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationModel> ContainingTypes,
    TypeDeclarationModel Declaration,
    TransportKind Transport,
    TypeReference? Handler,
    EquatableArray<MixInModel> MixIns,
    EquatableArray<string> Steps,
    EquatableArray<string> SettingsInterfaces,
    EquatableArray<SettingModel> Settings,
    EquatableArray<string> UserMembers,
    EquatableArray<string> SkippedMembers);

/// <summary>A type declaration as the generated partial must repeat it.</summary>
/// <param name="Keyword">The declaration keyword, e.g. <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
/// <param name="TypeParameters">The type parameter list with angle brackets, or an empty string.</param>
/// <param name="Modifiers">The modifiers that go before <c>partial</c>: accessibility, and <c>static</c> for a static class; or an empty string.</param>
/// <param name="IsAbstract">Whether the type is abstract (its constructors are then protected).</param>
/// <param name="IsSealed">Whether the type is sealed (it then gets no new virtual or protected members).</param>
internal sealed record TypeDeclarationModel(
    string Keyword,
    string Name,
    string TypeParameters,
    string Modifiers,
    bool IsAbstract,
    bool IsSealed);

/// <summary>A type as generated code names it.</summary>
/// <param name="Code">In code: fully qualified with <c>global::</c>, with its type arguments.</param>
/// <param name="Cref">
/// In a documentation reference: its generic definition, type parameters in braces (<c>global::A.B{T}</c>), since
/// a cref cannot name type arguments and a '&lt;' would end the XML attribute.
/// </param>
internal sealed record TypeReference(string Code, string Cref);

/// <summary>A user mix-in: its type, the field that holds its instance, and the property that exposes it.</summary>
/// <param name="Type">The type.</param>
/// <param name="FieldName">The private field that holds the instance: a name no user member has.</param>
/// <param name="PropertyName">
/// The name of the property that exposes the instance: the type's name, numbered when another mix-in's property or a
/// user member that is not a property or field of the mix-in's type has it.
/// </param>
/// <param name="PropertyAccessibility">
/// The property's accessibility keyword: <c>public</c>, or less when the type is less accessible (a property may not
/// expose a type less accessible than itself).
/// </param>
internal sealed record MixInModel(TypeReference Type, string FieldName, string PropertyName, string PropertyAccessibility);

/// <summary>A settings property a mix-in declares, as the composed server implements it.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Type">Its type, fully qualified.</param>
/// <param name="Default">The initializer from <c>[SettingDefault]</c>, or <see langword="null"/>.</param>
/// <param name="Interface">The interface that declares it, fully qualified.</param>
/// <param name="Cref">The property in a documentation reference.</param>
/// <param name="UserDeclared">
/// Whether the user's partial class declares a member of that name: the server then implements the setting explicitly
/// by reading the user's member, and declares no property of its own.
/// </param>
internal sealed record SettingModel(string Name, string Type, string? Default, string Interface, string Cref, bool UserDeclared);
