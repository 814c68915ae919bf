package dev.tickcast.job.types;

import dev.tickcast.schema.internal.SourcedTick;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of the decoded ticks: {@link SourcedTickSerializer} instead of Avro's (and never Kryo). */
public final class SourcedTickTypeInfo extends TypeInformation<SourcedTick> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<SourcedTick> getTypeClass() {
        return SourcedTick.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<SourcedTick> createSerializer(SerializerConfig config) {
        return new SourcedTickSerializer();
    }

    @Override
    public String toString() {
        return "SourcedTick (tickcast serializer)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SourcedTickTypeInfo;
    }

    @Override
    public int hashCode() {
        return SourcedTickTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof SourcedTickTypeInfo;
    }
}
