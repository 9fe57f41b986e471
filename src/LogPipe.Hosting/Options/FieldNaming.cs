namespace LogPipe.Hosting;

/// <summary>How the fields of a message are named on the wire (<c>LogPipe:FieldNaming</c>).</summary>
public enum FieldNaming
{
    /// <summary><c>first_name</c>: what Django services send (the default).</summary>
    SnakeCaseLower,

    /// <summary><c>FIRST_NAME</c>.</summary>
    SnakeCaseUpper,

    /// <summary><c>firstName</c>.</summary>
    CamelCase,

    /// <summary><c>first-name</c>.</summary>
    KebabCaseLower,

    /// <summary><c>FIRST-NAME</c>.</summary>
    KebabCaseUpper,

    /// <summary>The C# property names as they are (<c>FirstName</c>).</summary>
    AsIs,
}
