/* Generated SBE (Simple Binary Encoding) message codec. */
package org.mmosdk.benchmarks.peers.sbe;

import org.agrona.MutableDirectBuffer;


/**
 * Server to client: one client's snapshot
 */
@SuppressWarnings("all")
public final class SnapshotEncoder
{
    public static final int BLOCK_LENGTH = 28;
    public static final int TEMPLATE_ID = 1;
    public static final int SCHEMA_ID = 1;
    public static final int SCHEMA_VERSION = 0;
    public static final String SEMANTIC_VERSION = "0.1";
    public static final java.nio.ByteOrder BYTE_ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;

    private final SnapshotEncoder parentMessage = this;
    private MutableDirectBuffer buffer;
    private int offset;
    private int limit;

    public int sbeBlockLength()
    {
        return BLOCK_LENGTH;
    }

    public int sbeTemplateId()
    {
        return TEMPLATE_ID;
    }

    public int sbeSchemaId()
    {
        return SCHEMA_ID;
    }

    public int sbeSchemaVersion()
    {
        return SCHEMA_VERSION;
    }

    public String sbeSemanticType()
    {
        return "";
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public SnapshotEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        limit(offset + BLOCK_LENGTH);

        return this;
    }

    public SnapshotEncoder wrapAndApplyHeader(
        final MutableDirectBuffer buffer, final int offset, final MessageHeaderEncoder headerEncoder)
    {
        headerEncoder
            .wrap(buffer, offset)
            .blockLength(BLOCK_LENGTH)
            .templateId(TEMPLATE_ID)
            .schemaId(SCHEMA_ID)
            .version(SCHEMA_VERSION);

        return wrap(buffer, offset + MessageHeaderEncoder.ENCODED_LENGTH);
    }

    public int encodedLength()
    {
        return limit - offset;
    }

    public int limit()
    {
        return limit;
    }

    public void limit(final int limit)
    {
        this.limit = limit;
    }

    public static int seqId()
    {
        return 1;
    }

    public static int seqSinceVersion()
    {
        return 0;
    }

    public static int seqEncodingOffset()
    {
        return 0;
    }

    public static int seqEncodingLength()
    {
        return 4;
    }

    public static String seqMetaAttribute(final MetaAttribute metaAttribute)
    {
        if (MetaAttribute.PRESENCE == metaAttribute)
        {
            return "required";
        }

        return "";
    }

    public static long seqNullValue()
    {
        return 4294967295L;
    }

    public static long seqMinValue()
    {
        return 0L;
    }

    public static long seqMaxValue()
    {
        return 4294967294L;
    }

    public SnapshotEncoder seq(final long value)
    {
        buffer.putInt(offset + 0, (int)value, BYTE_ORDER);
        return this;
    }


    public static int serverTickId()
    {
        return 2;
    }

    public static int serverTickSinceVersion()
    {
        return 0;
    }

    public static int serverTickEncodingOffset()
    {
        return 4;
    }

    public static int serverTickEncodingLength()
    {
        return 4;
    }

    public static String serverTickMetaAttribute(final MetaAttribute metaAttribute)
    {
        if (MetaAttribute.PRESENCE == metaAttribute)
        {
            return "required";
        }

        return "";
    }

    public static long serverTickNullValue()
    {
        return 4294967295L;
    }

    public static long serverTickMinValue()
    {
        return 0L;
    }

    public static long serverTickMaxValue()
    {
        return 4294967294L;
    }

    public SnapshotEncoder serverTick(final long value)
    {
        buffer.putInt(offset + 4, (int)value, BYTE_ORDER);
        return this;
    }


    public static int serverNanosId()
    {
        return 3;
    }

    public static int serverNanosSinceVersion()
    {
        return 0;
    }

    public static int serverNanosEncodingOffset()
    {
        return 8;
    }

    public static int serverNanosEncodingLength()
    {
        return 8;
    }

    public static String serverNanosMetaAttribute(final MetaAttribute metaAttribute)
    {
        if (MetaAttribute.PRESENCE == metaAttribute)
        {
            return "required";
        }

        return "";
    }

    public static long serverNanosNullValue()
    {
        return -9223372036854775808L;
    }

    public static long serverNanosMinValue()
    {
        return -9223372036854775807L;
    }

    public static long serverNanosMaxValue()
    {
        return 9223372036854775807L;
    }

    public SnapshotEncoder serverNanos(final long value)
    {
        buffer.putLong(offset + 8, value, BYTE_ORDER);
        return this;
    }


    public static int ownedId()
    {
        return 4;
    }

    public static int ownedSinceVersion()
    {
        return 0;
    }

    public static int ownedEncodingOffset()
    {
        return 16;
    }

    public static int ownedEncodingLength()
    {
        return 8;
    }

    public static String ownedMetaAttribute(final MetaAttribute metaAttribute)
    {
        if (MetaAttribute.PRESENCE == metaAttribute)
        {
            return "required";
        }

        return "";
    }

    public static long ownedNullValue()
    {
        return 0xffffffffffffffffL;
    }

    public static long ownedMinValue()
    {
        return 0x0L;
    }

    public static long ownedMaxValue()
    {
        return 0xfffffffffffffffeL;
    }

    public SnapshotEncoder owned(final long value)
    {
        buffer.putLong(offset + 16, value, BYTE_ORDER);
        return this;
    }


    public static int inputAckId()
    {
        return 5;
    }

    public static int inputAckSinceVersion()
    {
        return 0;
    }

    public static int inputAckEncodingOffset()
    {
        return 24;
    }

    public static int inputAckEncodingLength()
    {
        return 4;
    }

    public static String inputAckMetaAttribute(final MetaAttribute metaAttribute)
    {
        if (MetaAttribute.PRESENCE == metaAttribute)
        {
            return "required";
        }

        return "";
    }

    public static long inputAckNullValue()
    {
        return 4294967295L;
    }

    public static long inputAckMinValue()
    {
        return 0L;
    }

    public static long inputAckMaxValue()
    {
        return 4294967294L;
    }

    public SnapshotEncoder inputAck(final long value)
    {
        buffer.putInt(offset + 24, (int)value, BYTE_ORDER);
        return this;
    }


    private final RemovedEncoder removed = new RemovedEncoder(this);

    public static long removedId()
    {
        return 6;
    }

    public RemovedEncoder removedCount(final int count)
    {
        removed.wrap(buffer, count);
        return removed;
    }

    public static final class RemovedEncoder
    {
        public static final int HEADER_SIZE = 4;
        private final SnapshotEncoder parentMessage;
        private MutableDirectBuffer buffer;
        private int count;
        private int index;
        private int offset;
        private int initialLimit;

        RemovedEncoder(final SnapshotEncoder parentMessage)
        {
            this.parentMessage = parentMessage;
        }

        public void wrap(final MutableDirectBuffer buffer, final int count)
        {
            if (count < 0 || count > 65534)
            {
                throw new IllegalArgumentException("count outside allowed range: count=" + count);
            }

            if (buffer != this.buffer)
            {
                this.buffer = buffer;
            }

            index = 0;
            this.count = count;
            final int limit = parentMessage.limit();
            initialLimit = limit;
            parentMessage.limit(limit + HEADER_SIZE);
            buffer.putShort(limit + 0, (short)8, BYTE_ORDER);
            buffer.putShort(limit + 2, (short)count, BYTE_ORDER);
        }

        public RemovedEncoder next()
        {
            if (index >= count)
            {
                throw new java.util.NoSuchElementException();
            }

            offset = parentMessage.limit();
            parentMessage.limit(offset + sbeBlockLength());
            ++index;

            return this;
        }

        public int resetCountToIndex()
        {
            count = index;
            buffer.putShort(initialLimit + 2, (short)count, BYTE_ORDER);

            return count;
        }

        public static int countMinValue()
        {
            return 0;
        }

        public static int countMaxValue()
        {
            return 65534;
        }

        public static int sbeHeaderSize()
        {
            return HEADER_SIZE;
        }

        public static int sbeBlockLength()
        {
            return 8;
        }

        public static int handleId()
        {
            return 7;
        }

        public static int handleSinceVersion()
        {
            return 0;
        }

        public static int handleEncodingOffset()
        {
            return 0;
        }

        public static int handleEncodingLength()
        {
            return 8;
        }

        public static String handleMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static long handleNullValue()
        {
            return 0xffffffffffffffffL;
        }

        public static long handleMinValue()
        {
            return 0x0L;
        }

        public static long handleMaxValue()
        {
            return 0xfffffffffffffffeL;
        }

        public RemovedEncoder handle(final long value)
        {
            buffer.putLong(offset + 0, value, BYTE_ORDER);
            return this;
        }

    }

    private final EntitiesEncoder entities = new EntitiesEncoder(this);

    public static long entitiesId()
    {
        return 8;
    }

    public EntitiesEncoder entitiesCount(final int count)
    {
        entities.wrap(buffer, count);
        return entities;
    }

    public static final class EntitiesEncoder
    {
        public static final int HEADER_SIZE = 4;
        private final SnapshotEncoder parentMessage;
        private MutableDirectBuffer buffer;
        private int count;
        private int index;
        private int offset;
        private int initialLimit;

        EntitiesEncoder(final SnapshotEncoder parentMessage)
        {
            this.parentMessage = parentMessage;
        }

        public void wrap(final MutableDirectBuffer buffer, final int count)
        {
            if (count < 0 || count > 65534)
            {
                throw new IllegalArgumentException("count outside allowed range: count=" + count);
            }

            if (buffer != this.buffer)
            {
                this.buffer = buffer;
            }

            index = 0;
            this.count = count;
            final int limit = parentMessage.limit();
            initialLimit = limit;
            parentMessage.limit(limit + HEADER_SIZE);
            buffer.putShort(limit + 0, (short)24, BYTE_ORDER);
            buffer.putShort(limit + 2, (short)count, BYTE_ORDER);
        }

        public EntitiesEncoder next()
        {
            if (index >= count)
            {
                throw new java.util.NoSuchElementException();
            }

            offset = parentMessage.limit();
            parentMessage.limit(offset + sbeBlockLength());
            ++index;

            return this;
        }

        public int resetCountToIndex()
        {
            count = index;
            buffer.putShort(initialLimit + 2, (short)count, BYTE_ORDER);

            return count;
        }

        public static int countMinValue()
        {
            return 0;
        }

        public static int countMaxValue()
        {
            return 65534;
        }

        public static int sbeHeaderSize()
        {
            return HEADER_SIZE;
        }

        public static int sbeBlockLength()
        {
            return 24;
        }

        public static int fullId()
        {
            return 9;
        }

        public static int fullSinceVersion()
        {
            return 0;
        }

        public static int fullEncodingOffset()
        {
            return 0;
        }

        public static int fullEncodingLength()
        {
            return 1;
        }

        public static String fullMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public EntitiesEncoder full(final BooleanType value)
        {
            buffer.putByte(offset + 0, (byte)value.value());
            return this;
        }

        public static int maskId()
        {
            return 10;
        }

        public static int maskSinceVersion()
        {
            return 0;
        }

        public static int maskEncodingOffset()
        {
            return 1;
        }

        public static int maskEncodingLength()
        {
            return 1;
        }

        public static String maskMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static short maskNullValue()
        {
            return (short)255;
        }

        public static short maskMinValue()
        {
            return (short)0;
        }

        public static short maskMaxValue()
        {
            return (short)254;
        }

        public EntitiesEncoder mask(final short value)
        {
            buffer.putByte(offset + 1, (byte)value);
            return this;
        }


        public static int yawId()
        {
            return 11;
        }

        public static int yawSinceVersion()
        {
            return 0;
        }

        public static int yawEncodingOffset()
        {
            return 2;
        }

        public static int yawEncodingLength()
        {
            return 2;
        }

        public static String yawMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static int yawNullValue()
        {
            return 65535;
        }

        public static int yawMinValue()
        {
            return 0;
        }

        public static int yawMaxValue()
        {
            return 65534;
        }

        public EntitiesEncoder yaw(final int value)
        {
            buffer.putShort(offset + 2, (short)value, BYTE_ORDER);
            return this;
        }


        public static int indexId()
        {
            return 12;
        }

        public static int indexSinceVersion()
        {
            return 0;
        }

        public static int indexEncodingOffset()
        {
            return 4;
        }

        public static int indexEncodingLength()
        {
            return 4;
        }

        public static String indexMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static long indexNullValue()
        {
            return 4294967295L;
        }

        public static long indexMinValue()
        {
            return 0L;
        }

        public static long indexMaxValue()
        {
            return 4294967294L;
        }

        public EntitiesEncoder index(final long value)
        {
            buffer.putInt(offset + 4, (int)value, BYTE_ORDER);
            return this;
        }


        public static int generationId()
        {
            return 13;
        }

        public static int generationSinceVersion()
        {
            return 0;
        }

        public static int generationEncodingOffset()
        {
            return 8;
        }

        public static int generationEncodingLength()
        {
            return 4;
        }

        public static String generationMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static long generationNullValue()
        {
            return 4294967295L;
        }

        public static long generationMinValue()
        {
            return 0L;
        }

        public static long generationMaxValue()
        {
            return 4294967294L;
        }

        public EntitiesEncoder generation(final long value)
        {
            buffer.putInt(offset + 8, (int)value, BYTE_ORDER);
            return this;
        }


        public static int xId()
        {
            return 14;
        }

        public static int xSinceVersion()
        {
            return 0;
        }

        public static int xEncodingOffset()
        {
            return 12;
        }

        public static int xEncodingLength()
        {
            return 4;
        }

        public static String xMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static long xNullValue()
        {
            return 4294967295L;
        }

        public static long xMinValue()
        {
            return 0L;
        }

        public static long xMaxValue()
        {
            return 4294967294L;
        }

        public EntitiesEncoder x(final long value)
        {
            buffer.putInt(offset + 12, (int)value, BYTE_ORDER);
            return this;
        }


        public static int yId()
        {
            return 15;
        }

        public static int ySinceVersion()
        {
            return 0;
        }

        public static int yEncodingOffset()
        {
            return 16;
        }

        public static int yEncodingLength()
        {
            return 4;
        }

        public static String yMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static long yNullValue()
        {
            return 4294967295L;
        }

        public static long yMinValue()
        {
            return 0L;
        }

        public static long yMaxValue()
        {
            return 4294967294L;
        }

        public EntitiesEncoder y(final long value)
        {
            buffer.putInt(offset + 16, (int)value, BYTE_ORDER);
            return this;
        }


        public static int staminaId()
        {
            return 16;
        }

        public static int staminaSinceVersion()
        {
            return 0;
        }

        public static int staminaEncodingOffset()
        {
            return 20;
        }

        public static int staminaEncodingLength()
        {
            return 4;
        }

        public static String staminaMetaAttribute(final MetaAttribute metaAttribute)
        {
            if (MetaAttribute.PRESENCE == metaAttribute)
            {
                return "required";
            }

            return "";
        }

        public static int staminaNullValue()
        {
            return -2147483648;
        }

        public static int staminaMinValue()
        {
            return -2147483647;
        }

        public static int staminaMaxValue()
        {
            return 2147483647;
        }

        public EntitiesEncoder stamina(final int value)
        {
            buffer.putInt(offset + 20, value, BYTE_ORDER);
            return this;
        }

    }

    public String toString()
    {
        if (null == buffer)
        {
            return "";
        }

        return appendTo(new StringBuilder()).toString();
    }

    public StringBuilder appendTo(final StringBuilder builder)
    {
        if (null == buffer)
        {
            return builder;
        }

        final SnapshotDecoder decoder = new SnapshotDecoder();
        decoder.wrap(buffer, offset, BLOCK_LENGTH, SCHEMA_VERSION);

        return decoder.appendTo(builder);
    }
}
