using System;

namespace SocketServer;

/// <summary>
/// The default of a mix-in setting: on a property of a settings interface (<see cref="ServerMixIn{TSettings}"/>), the
/// value the composed server's generated property starts with. The generator reads it from metadata, so the default is
/// declared once, beside the setting, and no code reads it at run time.
/// </summary>
/// <param name="value">A constant of the property's type, or <see langword="null"/>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SettingDefaultAttribute(object? value) : Attribute
{
    /// <summary>The default value.</summary>
    public object? Value { get; } = value;
}
