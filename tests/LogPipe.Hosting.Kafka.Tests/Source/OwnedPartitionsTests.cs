namespace LogPipe.Hosting.Kafka.Tests.Source;

/// <summary>Which records of a partition are current: only those read in its generation while it is owned.</summary>
public sealed class OwnedPartitionsTests
{
    [Fact]
    public void A_record_read_while_its_partition_is_owned_is_current_and_one_of_another_partition_or_generation_is_not()
    {
        var owned = new OwnedPartitions();
        owned.Assign(0);
        owned.Assign(1);
        var generation = owned.GenerationOf(0);

        Assert.True(owned.Owns(0));
        Assert.True(owned.IsCurrent(0, generation));
        Assert.NotEqual(generation, owned.GenerationOf(1));
        Assert.False(owned.IsCurrent(1, generation));
        Assert.False(owned.IsCurrent(2, 0));
        Assert.False(owned.Owns(2));
    }

    [Fact]
    public void A_record_read_before_its_partition_was_revoked_is_stale_even_after_the_partition_comes_back()
    {
        var owned = new OwnedPartitions();
        owned.Assign(0);
        var before = owned.GenerationOf(0);

        owned.Revoke(0);
        Assert.False(owned.Owns(0));
        Assert.False(owned.IsCurrent(0, before));
        Assert.False(owned.IsCurrent(0, owned.GenerationOf(0)));

        owned.Assign(0);
        Assert.False(owned.IsCurrent(0, before));
        Assert.True(owned.IsCurrent(0, owned.GenerationOf(0)));
    }

    [Fact]
    public void A_rewind_makes_what_was_read_stale_and_keeps_the_partition_owned()
    {
        var owned = new OwnedPartitions();
        owned.Assign(4);
        var before = owned.GenerationOf(4);

        owned.Renew(4);

        Assert.True(owned.Owns(4));
        Assert.False(owned.IsCurrent(4, before));
        Assert.True(owned.IsCurrent(4, owned.GenerationOf(4)));
    }
}
