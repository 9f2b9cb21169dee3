package org.mmosdk.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns binary WebSocket frames into envelope buffers; anything else (text, fragments, plain HTTP requests on
 * another path) is refused. Stateless and shared by all WebSocket channels of a gateway; runs on their I/O threads.
 */
@ChannelHandler.Sharable
final class WebSocketFrameAdapter extends ChannelInboundHandlerAdapter {
    static final WebSocketFrameAdapter INSTANCE = new WebSocketFrameAdapter();

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame) {
            if (!frame.isFinalFragment()) {
                frame.release();
                ctx.fireExceptionCaught(new CorruptedFrameException("fragmented WebSocket messages are not supported"));
                return;
            }
            final ByteBuf content = frame.content();
            final ByteBuf own;
            if (content.unwrap() == null && content.refCnt() == 1) {
                own = content.retain();
            } else {
                // a derived buffer may share memory with another: copy so that the frame is exclusively owned
                own = ctx.alloc().buffer(content.readableBytes()).writeBytes(content, content.readerIndex(), content.readableBytes());
            }
            frame.release();
            ctx.fireChannelRead(own);
        } else if (msg instanceof WebSocketFrame frame) {
            final String kind = frame.getClass().getSimpleName();
            frame.release();
            ctx.fireExceptionCaught(new CorruptedFrameException(kind + " is not supported; send binary frames"));
        } else if (msg instanceof FullHttpRequest request) {
            request.release();
            ctx.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND))
                .addListener(ChannelFutureListener.CLOSE);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }
}
