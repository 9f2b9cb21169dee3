/* Generated SBE (Simple Binary Encoding) message codec. */
package org.mmosdk.benchmarks.peers.sbe;

import org.agrona.DirectBuffer;


/**
 * Server to client: one client's snapshot
 */
@SuppressWarnings("all")
public final class SnapshotDecoder
{
    public static final int BLOCK_LENGTH = 28;
    public static final int TEMPLATE_ID = 1;
    public static final int SCHEMA_ID = 1;
    public static final int SCHEMA_VERSION = 0;
    public static final String SEMANTIC_VERSION = "0.1";
    public static final java.nio.ByteOrder BYTE_ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;

    private final SnapshotDecoder parentMessage = this;
    private DirectBuffer buffer;
    private int offset;
    private int limit;
    int actingBlockLength;
    int actingVersion;

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

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public SnapshotDecoder wrap(
        final DirectBuffer buffer,
        final int offset,
        final int actingBlockLength,
        final int actingVersion)
    {
        if (buffer != this.buffer)
        {
            this.buffer = buffer;
        }
        this.offset = offset;
        this.actingBlockLength = actingBlockLength;
        this.actingVersion = actingVersion;
        limit(offset + actingBlockLength);

        return this;
    }

    public SnapshotDecoder wrapAndApplyHeader(
        final DirectBuffer buffer,
        final int offset,
        final MessageHeaderDecoder headerDecoder)
    {
        headerDecoder.wrap(buffer, offset);

        final int templateId = headerDecoder.templateId();
        if (TEMPLATE_ID != templateId)
        {
            throw new IllegalStateException("Invalid TEMPLATE_ID: " + templateId);
        }

        return wrap(
            buffer,
            offset + MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(),
            headerDecoder.version());
    }

    public SnapshotDecoder sbeRewind()
    {
        return wrap(buffer, offset, actingBlockLength, actingVersion);
    }

    public int sbeDecodedLength()
    {
        final int currentLimit = limit();
        sbeSkip();
        final int decodedLength = encodedLength();
        limit(currentLimit);

        return decodedLength;
    }

    public int actingVersion()
    {
        return actingVersion;
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

    public long seq()
    {
        return (buffer.getInt(offset + 0, BYTE_ORDER) & 0xFFFF_FFFFL);
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

    public long serverTick()
    {
        return (buffer.getInt(offset + 4, BYTE_ORDER) & 0xFFFF_FFFFL);
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

    public long serverNanos()
    {
        return buffer.getLong(offset + 8, BYTE_ORDER);
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

    public long owned()
    {
        return buffer.getLong(offset + 16, BYTE_ORDER);
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

    public long inputAck()
    {
        return (buffer.getInt(offset + 24, BYTE_ORDER) & 0xFFFF_FFFFL);
    }


    private final RemovedDecoder removed = new RemovedDecoder(this);

    public static long removedDecoderId()
    {
        return 6;
    }

    public static int removedDecoderSinceVersion()
    {
        return 0;
    }

    public RemovedDecoder removed()
    {
        removed.wrap(buffer);
        return removed;
    }

    public static final class RemovedDecoder
        implements Iterable<RemovedDecoder>, java.util.Iterator<RemovedDecoder>
    {
        public static final int HEADER_SIZE = 4;
        private final SnapshotDecoder parentMessage;
        private DirectBuffer buffer;
        private int count;
        private int index;
        private int offset;
        private int blockLength;

        RemovedDecoder(final SnapshotDecoder parentMessage)
        {
            this.parentMessage = parentMessage;
        }

        public void wrap(final DirectBuffer buffer)
        {
            if (buffer != this.buffer)
            {
                this.buffer = buffer;
            }

            index = 0;
            final int limit = parentMessage.limit();
            parentMessage.limit(limit + HEADER_SIZE);
            blockLength = (buffer.getShort(limit + 0, BYTE_ORDER) & 0xFFFF);
            count = (buffer.getShort(limit + 2, BYTE_ORDER) & 0xFFFF);
        }

        public RemovedDecoder next()
        {
            if (index >= count)
            {
                throw new java.util.NoSuchElementException();
            }

            offset = parentMessage.limit();
            parentMessage.limit(offset + blockLength);
            ++index;

            return this;
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

        public int actingBlockLength()
        {
            return blockLength;
        }

        public int actingVersion()
        {
            return parentMessage.actingVersion;
        }

        public int count()
        {
            return count;
        }

        public java.util.Iterator<RemovedDecoder> iterator()
        {
            return this;
        }

        public void remove()
        {
            throw new UnsupportedOperationException();
        }

        public boolean hasNext()
        {
            return index < count;
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

        public long handle()
        {
            return buffer.getLong(offset + 0, BYTE_ORDER);
        }


        public StringBuilder appendTo(final StringBuilder builder)
        {
            if (null == buffer)
            {
                return builder;
            }

            builder.append('(');
            builder.append("handle=");
            builder.append(this.handle());
            builder.append(')');

            return builder;
        }
        
        public RemovedDecoder sbeSkip()
        {

            return this;
        }
    }

    private final EntitiesDecoder entities = new EntitiesDecoder(this);

    public static long entitiesDecoderId()
    {
        return 8;
    }

    public static int entitiesDecoderSinceVersion()
    {
        return 0;
    }

    public EntitiesDecoder entities()
    {
        entities.wrap(buffer);
        return entities;
    }

    public static final class EntitiesDecoder
        implements Iterable<EntitiesDecoder>, java.util.Iterator<EntitiesDecoder>
    {
        public static final int HEADER_SIZE = 4;
        private final SnapshotDecoder parentMessage;
        private DirectBuffer buffer;
        private int count;
        private int index;
        private int offset;
        private int blockLength;

        EntitiesDecoder(final SnapshotDecoder parentMessage)
        {
            this.parentMessage = parentMessage;
        }

        public void wrap(final DirectBuffer buffer)
        {
            if (buffer != this.buffer)
            {
                this.buffer = buffer;
            }

            index = 0;
            final int limit = parentMessage.limit();
            parentMessage.limit(limit + HEADER_SIZE);
            blockLength = (buffer.getShort(limit + 0, BYTE_ORDER) & 0xFFFF);
            count = (buffer.getShort(limit + 2, BYTE_ORDER) & 0xFFFF);
        }

        public EntitiesDecoder next()
        {
            if (index >= count)
            {
                throw new java.util.NoSuchElementException();
            }

            offset = parentMessage.limit();
            parentMessage.limit(offset + blockLength);
            ++index;

            return this;
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

        public int actingBlockLength()
        {
            return blockLength;
        }

        public int actingVersion()
        {
            return parentMessage.actingVersion;
        }

        public int count()
        {
            return count;
        }

        public java.util.Iterator<EntitiesDecoder> iterator()
        {
            return this;
        }

        public void remove()
        {
            throw new UnsupportedOperationException();
        }

        public boolean hasNext()
        {
            return index < count;
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

        public short fullRaw()
        {
            return ((short)(buffer.getByte(offset + 0) & 0xFF));
        }

        public BooleanType full()
        {
            return BooleanType.get(((short)(buffer.getByte(offset + 0) & 0xFF)));
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

        public short mask()
        {
            return ((short)(buffer.getByte(offset + 1) & 0xFF));
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

        public int yaw()
        {
            return (buffer.getShort(offset + 2, BYTE_ORDER) & 0xFFFF);
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

        public long index()
        {
            return (buffer.getInt(offset + 4, BYTE_ORDER) & 0xFFFF_FFFFL);
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

        public long generation()
        {
            return (buffer.getInt(offset + 8, BYTE_ORDER) & 0xFFFF_FFFFL);
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

        public long x()
        {
            return (buffer.getInt(offset + 12, BYTE_ORDER) & 0xFFFF_FFFFL);
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

        public long y()
        {
            return (buffer.getInt(offset + 16, BYTE_ORDER) & 0xFFFF_FFFFL);
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

        public int stamina()
        {
            return buffer.getInt(offset + 20, BYTE_ORDER);
        }


        public StringBuilder appendTo(final StringBuilder builder)
        {
            if (null == buffer)
            {
                return builder;
            }

            builder.append('(');
            builder.append("full=");
            builder.append(this.full());
            builder.append('|');
            builder.append("mask=");
            builder.append(this.mask());
            builder.append('|');
            builder.append("yaw=");
            builder.append(this.yaw());
            builder.append('|');
            builder.append("index=");
            builder.append(this.index());
            builder.append('|');
            builder.append("generation=");
            builder.append(this.generation());
            builder.append('|');
            builder.append("x=");
            builder.append(this.x());
            builder.append('|');
            builder.append("y=");
            builder.append(this.y());
            builder.append('|');
            builder.append("stamina=");
            builder.append(this.stamina());
            builder.append(')');

            return builder;
        }
        
        public EntitiesDecoder sbeSkip()
        {

            return this;
        }
    }

    public String toString()
    {
        if (null == buffer)
        {
            return "";
        }

        final SnapshotDecoder decoder = new SnapshotDecoder();
        decoder.wrap(buffer, offset, actingBlockLength, actingVersion);

        return decoder.appendTo(new StringBuilder()).toString();
    }

    public StringBuilder appendTo(final StringBuilder builder)
    {
        if (null == buffer)
        {
            return builder;
        }

        final int originalLimit = limit();
        limit(offset + actingBlockLength);
        builder.append("[Snapshot](sbeTemplateId=");
        builder.append(TEMPLATE_ID);
        builder.append("|sbeSchemaId=");
        builder.append(SCHEMA_ID);
        builder.append("|sbeSchemaVersion=");
        if (parentMessage.actingVersion != SCHEMA_VERSION)
        {
            builder.append(parentMessage.actingVersion);
            builder.append('/');
        }
        builder.append(SCHEMA_VERSION);
        builder.append("|sbeBlockLength=");
        if (actingBlockLength != BLOCK_LENGTH)
        {
            builder.append(actingBlockLength);
            builder.append('/');
        }
        builder.append(BLOCK_LENGTH);
        builder.append("):");
        builder.append("seq=");
        builder.append(this.seq());
        builder.append('|');
        builder.append("serverTick=");
        builder.append(this.serverTick());
        builder.append('|');
        builder.append("serverNanos=");
        builder.append(this.serverNanos());
        builder.append('|');
        builder.append("owned=");
        builder.append(this.owned());
        builder.append('|');
        builder.append("inputAck=");
        builder.append(this.inputAck());
        builder.append('|');
        builder.append("removed=[");
        final int removedOriginalOffset = removed.offset;
        final int removedOriginalIndex = removed.index;
        final RemovedDecoder removed = this.removed();
        if (removed.count() > 0)
        {
            while (removed.hasNext())
            {
                removed.next().appendTo(builder);
                builder.append(',');
            }
            builder.setLength(builder.length() - 1);
        }
        removed.offset = removedOriginalOffset;
        removed.index = removedOriginalIndex;
        builder.append(']');
        builder.append('|');
        builder.append("entities=[");
        final int entitiesOriginalOffset = entities.offset;
        final int entitiesOriginalIndex = entities.index;
        final EntitiesDecoder entities = this.entities();
        if (entities.count() > 0)
        {
            while (entities.hasNext())
            {
                entities.next().appendTo(builder);
                builder.append(',');
            }
            builder.setLength(builder.length() - 1);
        }
        entities.offset = entitiesOriginalOffset;
        entities.index = entitiesOriginalIndex;
        builder.append(']');

        limit(originalLimit);

        return builder;
    }
    
    public SnapshotDecoder sbeSkip()
    {
        sbeRewind();
        RemovedDecoder removed = this.removed();
        if (removed.count() > 0)
        {
            while (removed.hasNext())
            {
                removed.next();
                removed.sbeSkip();
            }
        }
        EntitiesDecoder entities = this.entities();
        if (entities.count() > 0)
        {
            while (entities.hasNext())
            {
                entities.next();
                entities.sbeSkip();
            }
        }

        return this;
    }
}
